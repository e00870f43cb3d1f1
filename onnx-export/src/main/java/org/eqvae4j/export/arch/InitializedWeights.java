package org.eqvae4j.export.arch;

import java.util.SplittableRandom;
import org.eqvae4j.export.graph.Tensor;

/** Seeded PyTorch-style initialisation; each parameter's stream depends on the seed and its name only. */
final class InitializedWeights implements Weights {
    private final long seed;
    private final String prefix;

    InitializedWeights(long seed) {
        this(seed, "");
    }

    private InitializedWeights(long seed, String prefix) {
        this.seed = seed;
        this.prefix = prefix;
    }

    @Override
    public Weights withPrefix(String p) {
        return new InitializedWeights(seed, prefix + p);
    }

    @Override
    public Tensor get(String name, Init init, long fanIn, long... shape) {
        int n = Math.toIntExact(Tensor.numElements(shape));
        float[] v = new float[n];
        SplittableRandom rnd = new SplittableRandom(seed ^ ((prefix + name).hashCode() * 0x9E3779B97F4A7C15L));
        switch (init) {
            case ONES -> java.util.Arrays.fill(v, 1f);
            case ZEROS -> {}
            case FAN_IN_UNIFORM -> {
                double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
                for (int i = 0; i < n; i++) {
                    v[i] = (float) rnd.nextDouble(-bound, bound);
                }
            }
            case NORMAL_002 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (0.02 * gaussian(rnd));
                }
            }
            case NORMAL_ONE_002 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (1 + 0.02 * gaussian(rnd));
                }
            }
        }
        return Tensor.ofFloats(name, shape, v);
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public void finish() {
        // nothing to check: every requested parameter was created
    }
}
