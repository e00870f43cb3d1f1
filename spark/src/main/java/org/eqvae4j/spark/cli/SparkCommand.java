package org.eqvae4j.spark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.eqvae4j.spark.EqvaeDecode;
import org.eqvae4j.spark.EqvaeEncode;
import org.eqvae4j.spark.EqvaeRoundTrip;
import org.eqvae4j.spark.EqvaeTransformer;
import org.eqvae4j.spark.ExecutorModels;
import org.eqvae4j.spark.ImageOperation;
import org.eqvae4j.spark.SparkBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "spark",
        mixinStandardHelpOptions = true,
        description = {
            "Encode, decode or round-trip a folder tree on Apache Spark, as batch does on one machine.",
            "--master local[N] runs Spark in this process; under spark-submit the master comes from there.",
            "Files mirror the input tree with batch's names (re-runs skip finished files) plus summary.csv,",
            "or --format parquet writes one table (path, produced bytes, values, error). A bad input never",
            "fails the job: it is reported with the reason; exit code 1 when any failed."
        })
public final class SparkCommand implements Callable<Integer> {
    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "local[N], spark://host:7077, yarn, k8s://...; default: spark-submit's, else local[*].")
    String master;

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle folder (on the driver).")
    Path model;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "DIR",
            description = "Input folder, searched recursively.")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Output folder (not inside the input).")
    Path output;

    @Option(
            names = "--op",
            required = true,
            paramLabel = "OP",
            description =
                    "encode: images -> <name>.latent.tif; decode: *.latent.tif -> <name>.png|tif; roundtrip: images -> <name>.recon.png|tif + PSNR.")
    String op;

    @Option(
            names = "--format",
            defaultValue = "files",
            paramLabel = "FORMAT",
            description = "files (mirrored tree, default) or parquet (OUTPUT/results.parquet).")
    String format;

    @Option(names = "--glob", paramLabel = "PATTERN", description = "Only inputs matching, as batch's --glob.")
    String glob;

    @Option(
            names = "--redo",
            description = "Process files again even when their outputs are there (parquet: replace the table).")
    boolean redo;

    @Option(
            names = "--intensity",
            defaultValue = "linear",
            paramLabel = "MAP",
            description = "linear or percentile[:LOW:HIGH] (encode, roundtrip).")
    String intensity;

    @Option(
            names = "--ignore-bundle-id",
            description = "decode: accept latents made by another bundle with the same channel count.")
    boolean ignoreBundleId;

    @Option(
            names = {"--threads", "--ort-threads"},
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "ONNX Runtime threads per task (0 = spark.task.cpus, default), so tasks x threads = executor cores.")
    int threads;

    @Option(
            names = {"--device", "--provider"},
            defaultValue = "cpu",
            paramLabel = "cpu|cuda",
            description = "Execution provider (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--cuda-device", defaultValue = "0", paramLabel = "N", description = "GPU index for --device cuda.")
    int cudaDevice;

    @Option(
            names = "--tiling",
            defaultValue = "auto",
            paramLabel = "MODE",
            description = "auto, always or never (default ${DEFAULT-VALUE}).")
    String tiling;

    @Option(
            names = "--shared-bundle",
            description =
                    "Executors open --model from shared storage at the same path instead of receiving its bytes by broadcast.")
    boolean sharedBundle;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "Spark configuration, e.g. --conf spark.executor.memory=2g (repeatable).")
    List<String> conf = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ImageOperation operation = ImageOperation.parse(op);
        SparkBatch.Format f = switch (format) {
            case "files" -> SparkBatch.Format.FILES;
            case "parquet" -> SparkBatch.Format.PARQUET;
            default -> throw new IllegalArgumentException("--format must be files or parquet, got '" + format + "'");
        };
        EqvaeTransformer t = transformer(operation)
                .setBundle(model.toString())
                .setShipBundle(!sharedBundle)
                .setOrtThreads(threads)
                .setDevice(device)
                .setCudaDevice(cudaDevice)
                .setTiling(tiling);
        SparkSession spark = session(master, conf, "eqvae " + op);
        try {
            SparkBatch.Summary s = SparkBatch.run(spark, t, new SparkBatch.Options(input, output, f, glob, redo));
            s.errors().forEach(e -> System.out.println("FAILED " + e));
            System.out.printf(
                    "%s on Spark (%s): %d done, %d skipped (done before), %d failed; results in %s%n",
                    op, spark.sparkContext().master(), s.count("done"), s.count("skipped"), s.count("failed"), output);
            return s.count("failed") == 0 ? 0 : EqvaeSpark.SOME_FAILED;
        } finally {
            spark.stop();
            ExecutorModels.closeAll(); // in local mode the executor is this JVM
        }
    }

    private EqvaeTransformer transformer(ImageOperation operation) {
        return switch (operation) {
            case ENCODE -> new EqvaeEncode().setIntensity(intensity);
            case DECODE -> new EqvaeDecode().setIgnoreBundleId(ignoreBundleId);
            case ROUNDTRIP -> new EqvaeRoundTrip().setIntensity(intensity);
        };
    }

    /** A session on {@code master} (or spark-submit's, else local[*]) with quiet defaults for a command-line job. */
    static SparkSession session(String master, List<String> conf, String name) {
        SparkSession.Builder b = SparkSession.builder().appName(name).config("spark.ui.showConsoleProgress", "false");
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--conf takes KEY=VALUE, got '" + kv + "'");
            }
            b.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return b.getOrCreate();
    }
}
