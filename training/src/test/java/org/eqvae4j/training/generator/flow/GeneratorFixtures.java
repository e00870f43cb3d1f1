package org.eqvae4j.training.generator.flow;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.eqvae4j.testsupport.RepositoryRoot;

/** Tiny Fashion-MNIST-shaped IDX files (two classes of synthetic 28x28 shapes) and the project root. */
final class GeneratorFixtures {
    static final Path ROOT = RepositoryRoot.get();

    private GeneratorFixtures() {}

    /** {@code n} images: class 0 a bright square, class 1 a horizontal bar, with seeded noise; returns {images, labels}. */
    static Path[] idx(Path dir, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int cls = i % 2;
            labels[i] = (byte) cls;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on =
                            cls == 0 ? (y >= 8 && y < 20 && x >= 8 && x < 20) : (y >= 11 && y < 17 && x >= 3 && x < 25);
                    int v = (on ? 200 : 10) + r.nextInt(40);
                    px[(i * 28 + y) * 28 + x] = (byte) v;
                }
            }
        }
        Path images = dir.resolve("images-idx3-ubyte");
        Path lab = dir.resolve("labels-idx1-ubyte");
        try (OutputStream o = Files.newOutputStream(images);
                DataOutputStream d = new DataOutputStream(o)) {
            d.writeInt(0x803);
            d.writeInt(n);
            d.writeInt(28);
            d.writeInt(28);
            d.write(px);
        }
        try (OutputStream o = Files.newOutputStream(lab);
                DataOutputStream d = new DataOutputStream(o)) {
            d.writeInt(0x801);
            d.writeInt(n);
            d.write(labels);
        }
        return new Path[] {images, lab};
    }
}
