package org.eqvae4j.runtime.transform;

import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Resizes NCHW tensors exactly as PyTorch's {@code F.interpolate(x, size=(oh, ow), mode, align_corners=False)}
 * without antialiasing, separably (rows then columns). Sizes are explicit: the source-to-destination
 * ratio is in/out per axis.
 */
public final class Resampler {
    private static final double CUBIC_A = -0.75;

    private Resampler() {}

    public static FloatTensor resize(FloatTensor x, int outH, int outW, Interpolation mode) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize target must be at least 1x1, got " + outH + "x" + outW
                    + " (from " + x.height() + "x" + x.width() + ")");
        }
        if (outH == x.height() && outW == x.width()) {
            return x;
        }
        Taps rows = taps(x.height(), outH, mode);
        Taps cols = taps(x.width(), outW, mode);
        int planes = x.batch() * x.channels();
        int inH = x.height();
        int inW = x.width();
        float[] src = x.data();
        float[] out = new float[planes * outH * outW];
        float[] tmp = new float[outH * inW];
        for (int p = 0; p < planes; p++) {
            int base = p * inH * inW;
            // rows: tmp[oy][x] = sum_k wy * src[iy_k][x]
            for (int oy = 0; oy < outH; oy++) {
                int t0 = oy * rows.width;
                for (int ix = 0; ix < inW; ix++) {
                    double acc = 0;
                    for (int k = 0; k < rows.width; k++) {
                        acc += rows.weight[t0 + k] * src[base + rows.index[t0 + k] * inW + ix];
                    }
                    tmp[oy * inW + ix] = (float) acc;
                }
            }
            int obase = p * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int t0 = ox * cols.width;
                    double acc = 0;
                    for (int k = 0; k < cols.width; k++) {
                        acc += cols.weight[t0 + k] * tmp[oy * inW + cols.index[t0 + k]];
                    }
                    out[obase + oy * outW + ox] = (float) acc;
                }
            }
        }
        return new FloatTensor(x.batch(), x.channels(), outH, outW, out);
    }

    /**
     * The resize along one axis as a dense [out][in] matrix: y = M x. Training graphs use it to express
     * the same resampling (and its gradient, M^T) with MatMul.
     *
     * @param ratio source step per output step: in/out for a target size, 1/scale for a scale factor
     */
    public static double[][] matrix(int in, int out, double ratio, Interpolation mode) {
        Taps t = taps(in, out, ratio, mode);
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < t.width; k++) {
                m[o][t.index[o * t.width + k]] += t.weight[o * t.width + k];
            }
        }
        return m;
    }

    /** Per output position: the source indices and weights of the kernel. */
    private record Taps(int width, int[] index, double[] weight) {}

    private static Taps taps(int in, int out, Interpolation mode) {
        return taps(in, out, (double) in / out, mode);
    }

    private static Taps taps(int in, int out, double ratio, Interpolation mode) {
        return switch (mode) {
            case NEAREST -> {
                int[] idx = new int[out];
                double[] wt = new double[out];
                for (int o = 0; o < out; o++) {
                    idx[o] = Math.min((int) Math.floor(o * ratio), in - 1);
                    wt[o] = 1;
                }
                yield new Taps(1, idx, wt);
            }
            case BILINEAR -> {
                int[] idx = new int[2 * out];
                double[] wt = new double[2 * out];
                for (int o = 0; o < out; o++) {
                    double s = Math.max(0, (o + 0.5) * ratio - 0.5);
                    int i0 = Math.min((int) Math.floor(s), in - 1);
                    int i1 = Math.min(i0 + 1, in - 1);
                    double l = s - i0;
                    idx[2 * o] = i0;
                    idx[2 * o + 1] = i1;
                    wt[2 * o] = 1 - l;
                    wt[2 * o + 1] = l;
                }
                yield new Taps(2, idx, wt);
            }
            case AREA -> {
                int width = (int) Math.ceil((double) in / out) + 1;
                int[] idx = new int[width * out];
                double[] wt = new double[width * out];
                for (int o = 0; o < out; o++) {
                    int start = (int) Math.floor((double) o * in / out);
                    int end = (int) Math.ceil((double) (o + 1) * in / out);
                    for (int k = 0; k < width; k++) {
                        idx[width * o + k] = Math.min(start + k, in - 1);
                        wt[width * o + k] = start + k < end ? 1.0 / (end - start) : 0;
                    }
                }
                yield new Taps(width, idx, wt);
            }
            case BICUBIC -> {
                int[] idx = new int[4 * out];
                double[] wt = new double[4 * out];
                for (int o = 0; o < out; o++) {
                    double s = (o + 0.5) * ratio - 0.5;
                    int i0 = (int) Math.floor(s);
                    double t = s - i0;
                    double[] c = cubicWeights(t);
                    for (int k = 0; k < 4; k++) {
                        idx[4 * o + k] = Math.max(0, Math.min(in - 1, i0 - 1 + k));
                        wt[4 * o + k] = c[k];
                    }
                }
                yield new Taps(4, idx, wt);
            }
        };
    }

    private static double[] cubicWeights(double t) {
        return new double[] {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
    }

    private static double cubic1(double x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    private static double cubic2(double x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }
}
