package org.eqvae4j.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;

/**
 * Encode throughput of the same folder: {@code batch -j 2} (two files at once, one ONNX Runtime thread each,
 * in this JVM) against the Spark job on {@code local[1]} and {@code local[2]} (one thread per task). Each case
 * writes into a fresh folder; Spark's session start-up is outside the timing, its job planning inside.
 */
public final class SparkBenchmark {
    /** One measured case. */
    public record Row(String name, int images, double seconds) {
        public double imagesPerSecond() {
            return images / seconds;
        }
    }

    private SparkBenchmark() {}

    /** {@code count} random RGB PNGs of {@code size} px (seeded), in two sub-folders. */
    public static void synthesise(Path dir, int count, int size, long seed) throws IOException {
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            Path f = dir.resolve("part" + (i % 2)).resolve(String.format(Locale.ROOT, "img%06d.png", i));
            Files.createDirectories(f.getParent());
            ImageIO.write(img, "png", f.toFile());
        }
    }

    public static List<Row> run(Path bundle, Path images, Path work, int repeats) throws Exception {
        int count;
        try (var files = Files.walk(images)) {
            count = (int) files.filter(Files::isRegularFile).count();
        }
        List<Row> rows = new ArrayList<>();
        rows.add(best(
                "batch -j 2 (ORT 1 thread each)",
                count,
                repeats,
                () -> work.resolve("batch-" + System.nanoTime()),
                out -> {
                    try (Autoencoder ae = Autoencoder.open(ModelBundle.open(bundle), RuntimeOptions.threads(1))) {
                        var items = FolderBatch.run(
                                images,
                                out,
                                new EncodeOperation(new TiledAutoencoder(ae), IntensityMapping.LINEAR),
                                new FolderBatch.Options(2, null, false),
                                ProgressListener.NONE);
                        check(items.stream().filter(FolderBatch.Item::failed).count(), "batch");
                    }
                }));
        for (int n : new int[] {1, 2}) {
            SparkSession spark = SparkSession.builder()
                    .master("local[" + n + "]")
                    .appName("bench-spark")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .getOrCreate();
            try {
                rows.add(best(
                        "spark local[" + n + "] (ORT 1 thread per task)",
                        count,
                        repeats,
                        () -> work.resolve("spark" + n + "-" + System.nanoTime()),
                        out -> {
                            EqvaeTransformer t = new EqvaeEncode().setBundle(bundle.toString());
                            var s = SparkBatch.run(
                                    spark,
                                    t,
                                    new SparkBatch.Options(images, out, SparkBatch.Format.FILES, null, false));
                            check(s.count("failed"), "spark");
                        }));
            } finally {
                spark.stop();
                ExecutorModels.closeAll();
            }
        }
        return rows;
    }

    private interface Case {
        void run(Path out) throws Exception;
    }

    /** The fastest of {@code repeats} runs after one warm-up (model opening, JIT, Spark's first job). */
    private static Row best(String name, int count, int repeats, Supplier<Path> out, Case c) throws Exception {
        c.run(out.get());
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            Path o = out.get();
            long t0 = System.nanoTime();
            c.run(o);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return new Row(name, count, best);
    }

    private static void check(long failed, String what) {
        if (failed > 0) {
            throw new IllegalStateException(what + ": " + failed + " images failed in the benchmark");
        }
    }

    public static String table(List<Row> rows, String header) {
        StringBuilder sb = new StringBuilder(header).append('\n');
        sb.append(String.format(Locale.ROOT, "%-40s %8s %9s %10s%n", "case", "images", "seconds", "images/s"));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT, "%-40s %8d %9.2f %10.1f%n", r.name(), r.images(), r.seconds(), r.imagesPerSecond()));
        }
        Row batch = rows.get(0);
        Row l1 = rows.get(1);
        Row l2 = rows.get(2);
        sb.append(String.format(
                Locale.ROOT,
                "spark local[2] / batch -j 2: %.2f; local[2] / local[1]: %.2f%n",
                l2.imagesPerSecond() / batch.imagesPerSecond(),
                l2.imagesPerSecond() / l1.imagesPerSecond()));
        return sb.toString();
    }
}
