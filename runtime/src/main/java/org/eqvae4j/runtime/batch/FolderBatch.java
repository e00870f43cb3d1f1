package org.eqvae4j.runtime.batch;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.io.InputGuard;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;

/**
 * Runs a {@link BatchOperation} over a file or a folder tree, writing into an output folder that mirrors
 * the tree, plus {@code summary.csv}. A file that fails is reported (the message names it) and the others
 * go on. Inputs are never written: the output folder may not lie inside the input, and no output may be
 * an input. With {@code threads > 1} files are processed in parallel, sharing the operation (and its
 * model); results and the summary keep the input order, so they do not depend on the thread count.
 *
 * <p>A re-run skips files already done, unless {@code redo}: done means every output of the file exists,
 * is not empty, and is not older than the input. Outputs are written atomically, so an output that
 * exists is complete; a changed input is newer than its outputs and is processed again.
 *
 * <p>A {@link Shard} takes part of the inputs (array jobs on a scheduler); the output names are those of the
 * whole batch, and its summary file is named after the shard, so shards can share an output folder.
 */
public final class FolderBatch {
    public static final String SUMMARY = "summary.csv";

    /**
     * @param threads files processed at once (1 or more)
     * @param glob    only inputs whose path relative to the input folder matches (glob syntax; a pattern
     *                without '/' matches the file name at any depth), or null for all
     * @param redo    process files even when their outputs are there
     * @param shard   which part of the inputs this run takes ({@link Shard#ALL}: all); names do not depend on it
     */
    public record Options(int threads, String glob, boolean redo, Shard shard) {
        public static final Options DEFAULT = new Options(1, null, false);

        public Options {
            if (threads < 1 || threads > RuntimeOptions.maxThreads()) {
                throw new IllegalArgumentException("files at once (--workers) must be 1 to "
                        + RuntimeOptions.maxThreads() + " (4 per core), got " + threads);
            }
            if (shard == null) {
                throw new IllegalArgumentException("shard is missing (Shard.ALL for the whole batch)");
            }
        }

        public Options(int threads, String glob, boolean redo) {
            this(threads, glob, redo, Shard.ALL);
        }
    }

    public enum Status {
        DONE,
        SKIPPED,
        FAILED
    }

    /** One input: its result (null unless DONE) or the error. */
    public record Item<R>(Path input, Status status, R result, String error) {
        public boolean failed() {
            return status == Status.FAILED;
        }
    }

    private FolderBatch() {}

    public static <R> List<Item<R>> run(
            Path input, Path output, BatchOperation<R> op, Options options, ProgressListener progress)
            throws IOException {
        Path in = input.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        InputGuard.requireOutsideFolder(out, in);
        InputGuard.requireNotInput(out, "output folder", in, "the input");
        Path root = Files.isDirectory(in) ? in : in.getParent();
        List<Path> files = list(in, root, op, options.glob());
        if (files.isEmpty()) {
            throw new IOException("no " + op.inputs().description()
                    + (options.glob() == null ? "" : " matching " + options.glob()) + " found in " + input);
        }
        Map<Path, Integer> stems = new HashMap<>();
        for (Path f : files) {
            stems.merge(f.resolveSibling(stem(f)), 1, Integer::sum);
        }
        if (!options.shard().isAll()) { // after the names: they depend on the whole tree, not on the shard
            List<Path> all = files;
            files = java.util.stream.IntStream.range(0, all.size())
                    .filter(options.shard()::takes)
                    .mapToObj(all::get)
                    .toList();
        }
        Files.createDirectories(out);
        Progress p = new Progress(progress, files.size());
        List<Item<R>> items = new ArrayList<>();
        if (options.threads() == 1) {
            for (Path f : files) {
                items.add(one(
                        op,
                        f,
                        base(f, root, out, stems),
                        options.redo(),
                        p,
                        root.relativize(f).toString()));
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(options.threads());
            try {
                List<Future<Item<R>>> futures = new ArrayList<>();
                for (Path f : files) {
                    Path base = base(f, root, out, stems);
                    futures.add(pool.submit(() -> one(
                            op, f, base, options.redo(), p, root.relativize(f).toString())));
                }
                for (Future<Item<R>> fu : futures) {
                    items.add(fu.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("batch interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException("batch worker failed: " + e.getCause(), e.getCause()); // one() catches per file
            } finally {
                pool.shutdownNow();
            }
        }
        progress.progress(files.size(), files.size(), "done");
        writeSummary(items, root, op, out.resolve(options.shard().summaryName()));
        return items;
    }

    private static List<Path> list(Path in, Path root, BatchOperation<?> op, String glob) throws IOException {
        if (Files.isRegularFile(in)) {
            return List.of(in);
        }
        if (!Files.isDirectory(in)) {
            throw new IOException("input " + in + " does not exist");
        }
        PathMatcher m;
        try {
            m = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "--glob '" + glob + "' is not a valid pattern: " + e.getDescription() + " (at character "
                            + (e.getIndex() + 1) + ")",
                    e);
        }
        return ImageFolder.files(
                in,
                f -> op.inputs().accepts(f)
                        && (m == null || m.matches(glob.contains("/") ? root.relativize(f) : f.getFileName())));
    }

    /** The input's place in the mirrored tree, named by its stem (or full name where stems collide). */
    private static Path base(Path f, Path root, Path out, Map<Path, Integer> stems) {
        String name = stems.get(f.resolveSibling(stem(f))) > 1 ? f.getFileName().toString() : stem(f);
        return out.resolve(root.relativize(f)).resolveSibling(name);
    }

    static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    }

    private static <R> Item<R> one(BatchOperation<R> op, Path f, Path base, boolean redo, Progress p, String name) {
        p.started(name);
        try {
            List<Path> outputs = op.outputs(f, base);
            for (Path o : outputs) {
                InputGuard.requireNotInput(o, "output", f, "its input");
            }
            if (!redo && done(f, outputs)) {
                return new Item<>(f, Status.SKIPPED, null, null);
            }
            return new Item<>(f, Status.DONE, op.process(f, base), null);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return new Item<>(f, Status.FAILED, null, msg.contains(f.toString()) ? msg : f + ": " + msg);
        } finally {
            p.finished();
        }
    }

    private static boolean done(Path input, List<Path> outputs) throws IOException {
        var inputTime = Files.getLastModifiedTime(input);
        for (Path o : outputs) {
            if (!Files.isRegularFile(o)
                    || Files.size(o) == 0
                    || Files.getLastModifiedTime(o).compareTo(inputTime) < 0) {
                return false;
            }
        }
        return !outputs.isEmpty();
    }

    private static <R> void writeSummary(List<Item<R>> items, Path root, BatchOperation<R> op, Path csv)
            throws IOException {
        AtomicFiles.write(csv, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write("file,status," + String.join(",", op.columns()) + ",error\n");
            for (Item<R> it : items) {
                List<String> row = new ArrayList<>();
                row.add(csv(root.relativize(it.input()).toString()));
                row.add(it.status().name().toLowerCase(java.util.Locale.ROOT));
                op.values(it.result()).forEach(v -> row.add(csv(v)));
                row.add(it.error() == null ? "" : csv(it.error()));
                w.write(String.join(",", row) + "\n");
            }
            w.flush();
        });
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\""
                : s;
    }

    /** Serialises listener calls from worker threads; reports how many files finished when one starts. */
    private static final class Progress {
        private final ProgressListener listener;
        private final int total;
        private int finished;

        Progress(ProgressListener listener, int total) {
            this.listener = listener;
            this.total = total;
        }

        synchronized void started(String name) {
            listener.progress(finished, total, name);
        }

        synchronized void finished() {
            finished++;
        }
    }
}
