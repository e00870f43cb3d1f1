package org.eqvae4j.spark;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.io.AtomicFiles;

/**
 * {@code eqvae batch} on Spark: encode, decode or round-trip every matching file of an input tree, writing either
 * files that mirror the tree with batch's names (atomically; a re-run skips files whose output exists, is not
 * empty and is not older than the input) plus {@code summary.csv}, or one Parquet table of the transformed rows
 * (path, the produced bytes, values, error; without the input bytes).
 *
 * <p>Mirrored files need a file system every executor and the driver see at the same path (local disk in
 * local mode, NFS / Lustre / GPFS on a cluster); on HDFS or object stores use Parquet. The skip check runs in the
 * task, after Spark's binaryFile source has read the file: a re-run reads every input again but runs no model
 * on finished ones. The summary is collected on the driver (about 200 bytes per file), which also holds Spark's
 * file listing; the listing decides the output names (no job). Spark's binaryFile source drops empty files: the
 * summary reports them as failed, as batch does (the Parquet table has no row for them).
 */
public final class SparkBatch {
    /** Where results go. */
    public enum Format {
        FILES,
        PARQUET
    }

    /**
     * @param glob only inputs whose path below the input matches (as batch's --glob), or null
     * @param redo process files whose outputs are there (files), or overwrite the table (parquet)
     */
    public record Options(Path input, Path output, Format format, String glob, boolean redo) {}

    /** What happened to each input, in path order, as batch's summary reports it. */
    public record Summary(List<String> columns, List<Row> rows) {
        public long count(String status) {
            return rows.stream().filter(r -> r.getString(1).equals(status)).count();
        }

        public List<String> errors() {
            return rows.stream()
                    .filter(r -> r.getString(1).equals("failed"))
                    .map(r -> r.getString(r.size() - 1))
                    .toList();
        }
    }

    private SparkBatch() {}

    public static Summary run(SparkSession spark, EqvaeTransformer transformer, Options o) throws IOException {
        Path in = o.input().toAbsolutePath().normalize();
        Path out = o.output().toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            throw new IOException("input " + o.input() + " is not a folder (the Spark job takes a folder tree)");
        }
        if (out.startsWith(in)) {
            throw new IOException("output folder " + o.output() + " lies inside the input folder " + o.input()
                    + "; choose another one so inputs are never mixed with results");
        }
        ImageOperation op = transformer.operation();
        InputFilter accept = new InputFilter(op, in.toString(), o.glob());
        Dataset<Row> files = spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .load(in.toString())
                .filter(accept);
        // the driver holds the file listing anyway (Spark plans the scan from it): names are decided from it, with
        // no job: batch names outputs by stem unless two inputs of a folder share it (then by the full name)
        List<Path> inputs = new ArrayList<>();
        for (String uri : files.inputFiles()) {
            Path p = SparkPaths.local(uri);
            if (p != null && accept.accepts(p)) {
                inputs.add(p);
            }
        }
        if (inputs.isEmpty()) {
            throw new IOException("no " + op.inputs().description() + (o.glob() == null ? "" : " matching " + o.glob())
                    + " found in " + o.input());
        }
        Map<String, Integer> stems = new HashMap<>();
        inputs.forEach(p -> stems.merge(stemKey(p), 1, Integer::sum));
        Set<String> collisions = new HashSet<>();
        stems.forEach((k, n) -> {
            if (n > 1) {
                collisions.add(k);
            }
        });
        Files.createDirectories(out);
        if (o.format() == Format.PARQUET) {
            return parquet(transformer, files, out, o);
        }
        ModelSource source = transformer.modelSource(spark);
        MirrorFunction f = new MirrorFunction(
                new StepFunction.Steps(op, source, transformer.intensityValue(), transformer.ignoreBundleIdValue()),
                in.toString(),
                out.toString(),
                collisions,
                o.redo());
        List<String> columns = new ArrayList<>(List.of("file", "status"));
        columns.addAll(op.summaryColumns());
        columns.add("error");
        StructType schema = DataTypes.createStructType(columns.stream()
                .map(c -> DataTypes.createStructField(c, DataTypes.StringType, true))
                .toList());
        List<Row> rows =
                new ArrayList<>(files.mapPartitions(f, Encoders.row(schema)).collectAsList());
        // Spark's binaryFile source drops empty files; batch reports them, so does this
        Set<String> seen = new HashSet<>();
        rows.forEach(r -> seen.add(r.getString(0)));
        for (Path p : inputs) {
            String rel = in.relativize(p).toString();
            if (!seen.contains(rel) && Files.isRegularFile(p) && Files.size(p) == 0) {
                rows.add(f.summary(rel, "failed", null, "image " + p + " is empty (0 bytes)"));
            }
        }
        rows.sort(Comparator.comparing(r -> r.getString(0)));
        writeSummary(columns, rows, out.resolve(FolderBatch.SUMMARY));
        return new Summary(columns, rows);
    }

    private static Summary parquet(EqvaeTransformer transformer, Dataset<Row> files, Path out, Options o)
            throws IOException {
        Path table = out.resolve("results.parquet");
        if (Files.exists(table) && !o.redo()) {
            throw new IOException("Parquet table " + table + " exists; --redo replaces it");
        }
        transformer
                .transform(files)
                .drop(transformer.getOrDefault(transformer.contentCol()))
                .write()
                .mode(o.redo() ? "overwrite" : "errorifexists")
                .parquet(table.toString());
        String error = transformer.getOrDefault(transformer.errorCol());
        List<Row> rows = new ArrayList<>();
        for (Row r : files.sparkSession()
                .read()
                .parquet(table.toString())
                .select("path", error)
                .collectAsList()) {
            rows.add(RowFactory.create(
                    SparkPaths.display(r.getString(0)),
                    r.isNullAt(1) ? "done" : "failed",
                    r.isNullAt(1) ? "" : r.getString(1)));
        }
        rows.sort(Comparator.comparing(r -> r.getString(0)));
        return new Summary(List.of("file", "status", "error"), rows);
    }

    /** The folder and stem of a file, as batch groups names. */
    static String stemKey(Path p) {
        return p.resolveSibling(stem(p)).toString();
    }

    static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    }

    private static void writeSummary(List<String> columns, List<Row> rows, Path csv) throws IOException {
        AtomicFiles.write(csv, os -> {
            Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
            w.write(String.join(",", columns) + "\n");
            for (Row r : rows) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    cells.add(csv(r.isNullAt(i) ? "" : r.getString(i)));
                }
                w.write(String.join(",", cells) + "\n");
            }
            w.flush();
        });
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\""
                : s;
    }

    /** Inputs of the operation (batch's rules: extension, then the glob on the name or the path below the input). */
    static final class InputFilter implements FilterFunction<Row> {
        private static final long serialVersionUID = 1L;
        private final ImageOperation op;
        private final String root;
        private final String glob;
        private transient PathMatcher matcher;

        InputFilter(ImageOperation op, String root, String glob) {
            this.op = op;
            this.root = root;
            this.glob = glob;
        }

        @Override
        public boolean call(Row row) {
            Path p = SparkPaths.local(row.getString(row.fieldIndex("path")));
            if (p == null) {
                p = Path.of(new org.apache.hadoop.fs.Path(row.getString(row.fieldIndex("path")))
                        .toUri()
                        .getPath());
            }
            return accepts(p);
        }

        boolean accepts(Path p) {
            if (!op.inputs().accepts(p)) {
                return false;
            }
            if (glob == null) {
                return true;
            }
            if (matcher == null) {
                matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            }
            return matcher.matches(glob.contains("/") ? Path.of(root).relativize(p) : p.getFileName());
        }
    }

    /** Per partition: skip finished files, run the operation on the others, write their outputs, report each file. */
    static final class MirrorFunction extends StepFunction {
        private static final long serialVersionUID = 1L;
        private final String root;
        private final String out;
        private final Set<String> collisions;
        private final boolean redo;

        MirrorFunction(Steps steps, String root, String out, Set<String> collisions, boolean redo) {
            super(steps);
            this.root = root;
            this.out = out;
            this.collisions = collisions;
            this.redo = redo;
        }

        @Override
        Row apply(Row row, Supplier<ImageOperation.Step> step) {
            String uri = row.getString(row.fieldIndex("path"));
            Path input = SparkPaths.local(uri);
            String name = input == null ? uri : input.toString();
            String rel = input == null ? uri : Path.of(root).relativize(input).toString();
            ImageOperation.Step s = step.get();
            try {
                if (input == null) {
                    throw new IOException("file output needs a file system path shared by driver and executors, got "
                            + uri + "; use --format parquet for other file systems");
                }
                byte[] content = (byte[]) row.get(row.fieldIndex("content"));
                String stem = stem(input);
                Path base = Path.of(out)
                        .resolve(rel)
                        .resolveSibling(
                                collisions.contains(input.resolveSibling(stem).toString())
                                        ? input.getFileName().toString()
                                        : stem);
                Path output = s.output(input, base, content);
                if (Files.exists(output) && Files.isSameFile(output, input)) {
                    throw new IOException("output " + output + " would overwrite its input");
                }
                if (!redo && done(input, output)) {
                    return summary(rel, "skipped", null, null);
                }
                ImageOperation.Outcome o = s.apply(name, content);
                AtomicFiles.write(output, os -> os.write(o.bytes()));
                return summary(rel, "done", o.summary(), null);
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                return summary(rel, "failed", null, SparkPaths.error(name, e));
            }
        }

        Row summary(String file, String status, List<String> values, String error) {
            int columns = steps.operation().summaryColumns().size();
            Object[] v = new Object[3 + columns];
            v[0] = file;
            v[1] = status;
            for (int i = 0; i < columns; i++) {
                v[2 + i] = values == null ? "" : values.get(i);
            }
            v[v.length - 1] = error == null ? "" : error;
            return RowFactory.create(v);
        }

        private static boolean done(Path input, Path output) throws IOException {
            return Files.isRegularFile(output)
                    && Files.size(output) > 0
                    && Files.getLastModifiedTime(output).compareTo(Files.getLastModifiedTime(input)) >= 0;
        }
    }
}
