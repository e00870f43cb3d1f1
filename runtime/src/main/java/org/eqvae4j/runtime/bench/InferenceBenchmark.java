package org.eqvae4j.runtime.bench;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;

/**
 * Times encode + decode of one image through a bundle: warm-up runs, then timed repetitions, reporting
 * the median, fastest and slowest run, the encode and decode medians, and the process's peak RSS over
 * the whole case. Tiled cases tile whenever the image exceeds one tile (the bundle's tile size and halo),
 * as {@code --tiling always} does. The input is {@link #pattern}, which the PyTorch peer
 * (bench/torch_taef2_infer.py) computes with the same formula, so the two decode the same image.
 */
public final class InferenceBenchmark {
    private InferenceBenchmark() {}

    /** One measured configuration: a square image of {@code size} pixels, tiled or whole. */
    public record Case(int size, boolean tiled) {
        public Case {
            if (size < 1) {
                throw new IllegalArgumentException("benchmark image size must be positive, got " + size);
            }
        }

        public String label() {
            return size + (tiled ? " tiled" : "");
        }
    }

    /**
     * @param msPerImage   median encode + decode time of one image
     * @param minMs        fastest repetition
     * @param maxMs        slowest repetition
     * @param encodeMs     median encode time
     * @param decodeMs     median decode time
     * @param peakRssBytes peak RSS of this process during the case (model loaded before), -1 when unknown
     * @param tiles        tiles per image (1 when whole)
     * @param outputMean   mean of the last decoded image, to check a peer decoded the same thing
     */
    public record Result(
            Case benchCase,
            int repetitions,
            double msPerImage,
            double minMs,
            double maxMs,
            double encodeMs,
            double decodeMs,
            long peakRssBytes,
            int tiles,
            double outputMean) {
        public double imagesPerSecond() {
            return 1000 / msPerImage;
        }
    }

    /**
     * [1, 3, size, size] in [0, 1]: {@code 0.5 + 0.4 sin(0.031 (c + 1) x + 0.017 y) cos(0.023 y - 0.011 c x)},
     * smooth structure at several frequencies, reproducible in any language.
     */
    public static FloatTensor pattern(int size) {
        float[] d = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    d[(c * size + y) * size + x] = (float) (0.5
                            + 0.4 * Math.sin(0.031 * (c + 1) * x + 0.017 * y) * Math.cos(0.023 * y - 0.011 * c * x));
                }
            }
        }
        return new FloatTensor(1, 3, size, size, d);
    }

    public static Result run(Autoencoder model, Case c, int warmup, int repetitions) throws OrtException {
        if (warmup < 0 || repetitions < 1) {
            throw new IllegalArgumentException(
                    "need warm-up >= 0 and repetitions >= 1, got " + warmup + " and " + repetitions);
        }
        TiledAutoencoder codec = new TiledAutoencoder(
                model, model.manifest().tileSize(), model.manifest().tileHalo(), c.tiled() ? 0 : Long.MAX_VALUE);
        FloatTensor x = pattern(c.size());
        PeakMemory.reset();
        double[] total = new double[repetitions];
        double[] enc = new double[repetitions];
        double[] dec = new double[repetitions];
        FloatTensor y = null;
        for (int i = -warmup; i < repetitions; i++) {
            long t0 = System.nanoTime();
            FloatTensor z = codec.encode(x);
            long t1 = System.nanoTime();
            y = codec.decode(z);
            long t2 = System.nanoTime();
            if (i >= 0) {
                enc[i] = (t1 - t0) / 1e6;
                dec[i] = (t2 - t1) / 1e6;
                total[i] = (t2 - t0) / 1e6;
            }
        }
        long peak = PeakMemory.peakBytes();
        double mean = 0;
        for (float v : y.data()) {
            mean += v;
        }
        mean /= y.data().length;
        return new Result(
                c,
                repetitions,
                median(total),
                Arrays.stream(total).min().orElseThrow(),
                Arrays.stream(total).max().orElseThrow(),
                median(enc),
                median(dec),
                peak,
                codec.tileCount(c.size(), c.size()),
                mean);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
