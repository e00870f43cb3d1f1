package org.eqvae4j.training.generator.flow;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.testsupport.RepositoryRoot;

/** Tiny Fashion-MNIST-shaped IDX files (two classes of synthetic 28x28 shapes), a tiny DiT's settings, the project root. */
final class GeneratorFixtures {
    static final Path ROOT = RepositoryRoot.get();

    private GeneratorFixtures() {}

    /**
     * A one-block DiT (width 16, patch 2) on TAEF2's latents of 32 px images, batch 8, seed 3, CPU, one thread: the
     * tests' generator settings, with what they vary as parameters.
     */
    static GeneratorTrainConfig tinyDit(
            Path[] data, Path cache, long steps, float lr, int checkpointEvery, int snapshotEvery, String id) {
        return new GeneratorTrainConfig(
                ROOT.resolve("models/taef2"),
                data[0],
                data[1],
                cache,
                0,
                16,
                1,
                2,
                2,
                steps,
                8,
                lr,
                0,
                3,
                0.2,
                0.9,
                checkpointEvery,
                snapshotEvery,
                1,
                ExecutionProvider.CPU,
                4,
                1.5,
                id,
                FashionMnistImages.MODEL_SIDE);
    }

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
