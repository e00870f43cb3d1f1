#!/usr/bin/env bash
# Runs the job jar on a real Spark standalone cluster started on this machine: a master and a worker (separate
# JVMs, the worker launching executor JVMs) and a submission through Spark's SparkSubmit class, which is what
# bin/spark-submit runs. SPARK_HOME/jars is made of the spark module's provided dependencies (Spark 4.2.0 from the
# Maven repository), so no Spark download is needed. Usage, after
#   mvn -B -pl spark -am package -Pjob-jar -DskipTests
#   spark/standalone-check.sh MODEL INPUT_DIR OUTPUT_DIR [extra eqvae spark options]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL=$1 IN=$2 OUT=$3
shift 3
TARGET="$REPO/spark/target"
JOB_JAR=$(ls "$TARGET"/eqvae4j-spark-*-job.jar)
WORK=$(mktemp -d /tmp/eqvae-standalone-XXXXXX)
export SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.13   # what a Spark distribution's scripts set
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
# Spark's jars: the launcher classpath without what the job jar carries
tr ':' '\n' < "$TARGET/launcher/classpath.txt" | grep -v -E 'eqvae4j-runtime|/onnxruntime/|commons-imaging|/twelvemonkeys/|/picocli/' \
  | while read -r jar; do ln -s "$jar" "$SPARK_HOME/jars/"; done
cp "$TARGET/launcher/log4j2.properties" "$SPARK_HOME/conf/"
OPTS=$(cat "$TARGET/launcher/jvm.options")
CP="$SPARK_HOME/conf:$SPARK_HOME/jars/*"
PORT=${SPARK_MASTER_PORT:-7177}
java $OPTS -Xmx256m -cp "$CP" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0 \
  > "$WORK/master.log" 2>&1 &
MASTER=$!
sleep 8
java $OPTS -Xmx256m -cp "$CP" org.apache.spark.deploy.worker.Worker --cores 2 --memory 1500m --webui-port 0 \
  --work-dir "$WORK/work" "spark://127.0.0.1:$PORT" > "$WORK/worker.log" 2>&1 &
WORKER=$!
# the worker's shutdown hook stops its executors; give it a moment before the master goes
trap 'kill $WORKER 2>/dev/null; sleep 5; kill $MASTER 2>/dev/null || true' EXIT
sleep 8
set +e
java $OPTS -Xmx512m -cp "$CP" org.apache.spark.deploy.SparkSubmit --master "spark://127.0.0.1:$PORT" \
  --class org.eqvae4j.spark.cli.EqvaeSpark --executor-memory 1g --total-executor-cores 2 --conf spark.task.cpus=1 \
  --conf spark.ui.enabled=false "$JOB_JAR" --model "$MODEL" --input "$IN" --output "$OUT" "$@"
rc=$?
echo "exit code $rc; logs in $WORK (master.log, worker.log, work/*/*/stderr: the executors)"
exit $rc
