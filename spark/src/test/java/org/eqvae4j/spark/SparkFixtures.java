package org.eqvae4j.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.eqvae4j.testsupport.RepositoryRoot;

/** Shared helpers: the repository's small bundle, image trees with good and bad files, a local Spark session. */
final class SparkFixtures {
    private SparkFixtures() {}

    static Path repoRoot() {
        return RepositoryRoot.get();
    }

    /** KL-VAE small (f = 4, 3.8 MB): fast enough for many tiny images. */
    static Path smallBundle() {
        return repoRoot().resolve("models/kl-vae-small");
    }

    static SparkSession session(int threads) {
        return SparkSession.builder()
                .master("local[" + threads + "]")
                .appName("eqvae4j-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/eqvae4j-spark-warehouse")
                .getOrCreate();
    }

    static void png(Path file, int w, int h, long seed, boolean grey) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, grey ? (r.nextInt(256) * 0x010101) : r.nextInt(1 << 24));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, file.getFileName().toString().endsWith(".jpg") ? "jpeg" : "png", file.toFile());
    }

    /**
     * A tree of good images (RGB and grey PNG, a JPEG sharing a PNG's stem, a 16-bit TIFF and a TIFF stack in a
     * sub-folder) and bad ones (truncated PNG, text named .png, empty file), plus a non-image to ignore.
     */
    static void mixedTree(Path in) throws IOException {
        png(in.resolve("a.png"), 24, 20, 1, false);
        png(in.resolve("a.jpg"), 16, 16, 2, false);
        png(in.resolve("sub/grey.png"), 12, 16, 3, true);
        png(in.resolve("sub/deeper/c.png"), 32, 8, 4, false);
        Files.copy(repoRoot().resolve("test-images/formats/chessboard_GRAY_U16.tif"), in.resolve("sub/chess.tif"));
        Files.copy(repoRoot().resolve("test-images/formats/multipage.tif"), in.resolve("sub/stack.tif"));
        byte[] good = Files.readAllBytes(in.resolve("a.png"));
        Files.createDirectories(in.resolve("bad"));
        Files.write(in.resolve("bad/truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.writeString(in.resolve("bad/text.png"), "not an image");
        Files.write(in.resolve("bad/empty.png"), new byte[0]);
        Files.writeString(in.resolve("notes.txt"), "ignored");
    }

    static Map<String, byte[]> snapshot(Path dir, String excludedName) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(excludedName))
                    .toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }
}
