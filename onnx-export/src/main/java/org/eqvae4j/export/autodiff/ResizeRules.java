package org.eqvae4j.export.autodiff;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * Resize (and the old Upsample) on the last two axes. ONNX Runtime's CPU build has no ResizeGrad kernel,
 * so the gradients are written with standard ops. Every mode (nearest, linear, cubic) with every
 * coordinate transformation is a fixed linear map per axis, y = M_h x M_w^T, so dx = M_h^T dy M_w with
 * the matrices built here from ONNX's definition of Resize (input sizes must be static). Integer nearest
 * upsampling with index o -> floor(o / s) keeps a cheaper form: each s x s block of dy summed (AveragePool
 * times s^2).
 */
final class ResizeRules {
    private ResizeRules() {}

    static void register(GradientRules r) {
        r.put("Resize", ResizeRules::resize);
        r.put("Upsample", ResizeRules::upsample);
    }

    /** How one axis is resampled: the attributes of the node. */
    record Sampling(String mode, String coordinates, String nearestMode, double cubicA, boolean excludeOutside) {}

    private static void resize(Node n, GradientContext c) {
        Value x = n.input(0);
        if (x.shape() == null || x.rank() < 2) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs an input of known rank >= 2");
        }
        if (n.attrLong("antialias", 0) != 0) {
            throw new UnsupportedOpException(n.describe() + ": no gradient for antialiased Resize");
        }
        if (!n.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient supports keep_aspect_ratio_policy=stretch only");
        }
        String coord = n.attrString("coordinate_transformation_mode", "half_pixel");
        if (coord.equals("tf_crop_and_resize")) {
            throw new UnsupportedOpException(n.describe() + ": no gradient for tf_crop_and_resize");
        }
        Sampling sampling = new Sampling(
                n.attrString("mode", "nearest"),
                coord,
                n.attrString("nearest_mode", "round_prefer_floor"),
                n.attrFloat("cubic_coeff_a", -0.75f),
                n.attrLong("exclude_outside", 0) != 0);
        backward(n, c, scales(n, c, x), sampling);
    }

    /** Upsample (opsets 7-9): scales as input 1; nearest picks floor(o / s), linear uses asymmetric coordinates. */
    private static void upsample(Node n, GradientContext c) {
        Value x = n.input(0);
        Tensor scalesT = n.input(1) == null ? null : c.constant(n.input(1));
        float[] f = scalesT != null
                ? scalesT.toFloats()
                : n.attribute("scales") != null ? n.attribute("scales").asFloats() : null;
        if (f == null || x.shape() == null) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs constant scales and the input rank");
        }
        double[] scale = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            scale[i] = f[i];
        }
        String mode = n.attrString("mode", "nearest");
        backward(
                n,
                c,
                scale,
                new Sampling(mode.equals("bilinear") ? "linear" : mode, "asymmetric", "floor", -0.75, false));
    }

    private static void backward(Node n, GradientContext c, double[] scale, Sampling s) {
        Value x = n.input(0);
        int rank = x.rank();
        for (int i = 0; i < rank - 2; i++) {
            if (scale[i] != 1) {
                throw new UnsupportedOpException(
                        n.describe() + ": gradient supports resizing of the last two axes only");
            }
        }
        if (s.mode().equals("nearest")
                && rank == 4
                && integerFloorUpsampling(s, scale[2])
                && integerFloorUpsampling(s, scale[3])) {
            GraphBuilder b = c.builder();
            long sh = Math.round(scale[2]);
            long sw = Math.round(scale[3]);
            Value pooled = b.op(
                    "AveragePool",
                    List.of(c.gradOf(n.output(0))),
                    Map.of("kernel_shape", new long[] {sh, sw}, "strides", new long[] {sh, sw}));
            c.accumulate(x, b.mul(pooled, b.scalar(sh * sw)));
            return;
        }
        if (!s.mode().equals("nearest")
                && !s.mode().equals("linear")
                && !s.mode().equals("cubic")) {
            throw new UnsupportedOpException(n.describe() + ": no gradient for Resize mode '" + s.mode() + "'");
        }
        Shape xs = x.shape();
        if (!xs.dim(rank - 2).isStatic() || !xs.dim(rank - 1).isStatic()) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient needs a static input height and width, got " + xs);
        }
        int ih = (int) xs.size(rank - 2);
        int iw = (int) xs.size(rank - 1);
        int oh = (int) Math.floor(ih * scale[rank - 2] + 1e-9);
        int ow = (int) Math.floor(iw * scale[rank - 1] + 1e-9);
        GraphBuilder b = c.builder();
        Value g = c.gradOf(n.output(0));
        // y = Mh x Mw^T  =>  dx = Mh^T dy Mw
        if (oh != ih || scale[rank - 2] != 1) {
            g = b.matmul(b.constant(matrix("resize_rows_T", axisMatrix(ih, oh, scale[rank - 2], s, n), true)), g);
        }
        if (ow != iw || scale[rank - 1] != 1) {
            g = b.matmul(g, b.constant(matrix("resize_cols", axisMatrix(iw, ow, scale[rank - 1], s, n), false)));
        }
        c.accumulate(x, g);
    }

    private static boolean integerFloorUpsampling(Sampling s, double scale) {
        boolean floorMapping = (s.coordinates().equals("asymmetric")
                        && s.nearestMode().equals("floor"))
                || ((s.coordinates().equals("half_pixel") || s.coordinates().equals("pytorch_half_pixel"))
                        && (s.nearestMode().equals("round_prefer_floor")
                                || s.nearestMode().equals("round_prefer_ceil")));
        long k = Math.round(scale);
        return floorMapping && k >= 1 && Math.abs(scale - k) <= 1e-6;
    }

    /** Per-axis scale factors (output/input), from the scales input or from constant sizes and a static input. */
    private static double[] scales(Node n, GradientContext c, Value x) {
        int rank = x.rank();
        long[] axes = n.attrLongs("axes", null);
        Tensor scales = n.input(2) == null ? null : c.constant(n.input(2));
        double[] r = new double[rank];
        java.util.Arrays.fill(r, 1);
        if (scales != null && scales.numElements() > 0) {
            float[] f = scales.toFloats();
            for (int i = 0; i < f.length; i++) {
                r[axis(axes, i, rank)] = f[i];
            }
            return r;
        }
        Tensor sizes = n.input(3) == null ? null : c.constant(n.input(3));
        if (sizes != null) {
            long[] s = sizes.toLongs();
            for (int i = 0; i < s.length; i++) {
                int a = axis(axes, i, rank);
                if (!x.shape().dim(a).isStatic()) {
                    throw new UnsupportedOpException(
                            n.describe() + ": gradient with a sizes input needs the static input size of axis " + a);
                }
                r[a] = (double) s[i] / x.shape().size(a);
            }
            return r;
        }
        throw new UnsupportedOpException(
                n.describe() + ": gradient needs constant scales or sizes (after constant folding)");
    }

    private static int axis(long[] axes, int i, int rank) {
        if (axes == null) {
            return i;
        }
        return (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
    }

    /**
     * M[o][i]: the weight of input i in output o along one axis, as ONNX defines Resize: the output index
     * maps to an input coordinate by the coordinate transformation, then nearest picks one index, linear
     * two and cubic four (Keys' kernel with coefficient A), indices past the edge clamped to it (or, with
     * exclude_outside, dropped and the weights renormalised).
     */
    static double[][] axisMatrix(int in, int out, double scale, Sampling s, Node n) {
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            double x = switch (s.coordinates()) {
                case "half_pixel" -> (o + 0.5) / scale - 0.5;
                case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
                case "align_corners" -> out == 1 ? 0 : o * (in - 1.0) / (out - 1.0);
                case "asymmetric" -> o / scale;
                case "tf_half_pixel_for_nearest" -> (o + 0.5) / scale;
                case "half_pixel_symmetric" -> {
                    double adjustment = out / (scale * in);
                    double center = in / 2.0;
                    double offset = center * (1 - adjustment);
                    yield offset + (o + 0.5) / scale - 0.5;
                }
                default ->
                    throw new UnsupportedOpException(n.describe() + ": no gradient for coordinate_transformation_mode '"
                            + s.coordinates() + "'");
            };
            switch (s.mode()) {
                case "nearest" -> m[o][clamp(nearest(x, s.nearestMode(), scale, n), in)] = 1;
                case "linear" -> {
                    double xc = Math.max(0, Math.min(x, in - 1));
                    int i0 = (int) Math.floor(xc);
                    double r = xc - i0;
                    m[o][clamp(i0, in)] += 1 - r;
                    m[o][clamp(i0 + 1, in)] += r;
                }
                case "cubic" -> {
                    int i0 = (int) Math.floor(x);
                    double r = x - i0;
                    double[] w = cubicWeights(r, s.cubicA());
                    double total = 0;
                    for (int k = 0; k < 4; k++) {
                        int idx = i0 - 1 + k;
                        if (s.excludeOutside() && (idx < 0 || idx >= in)) {
                            w[k] = 0;
                        }
                        total += w[k];
                    }
                    for (int k = 0; k < 4; k++) {
                        m[o][clamp(i0 - 1 + k, in)] += s.excludeOutside() ? w[k] / total : w[k];
                    }
                }
                default -> throw new IllegalStateException(s.mode());
            }
        }
        return m;
    }

    private static int nearest(double x, String mode, double scale, Node n) {
        return switch (mode) {
            case "round_prefer_floor" -> x - Math.floor(x) == 0.5 ? (int) Math.floor(x) : (int) Math.round(x);
            case "round_prefer_ceil" -> (int) Math.round(x);
            case "floor" -> (int) Math.floor(x);
            case "ceil" -> (int) Math.ceil(x);
            // Upsample's legacy rule: floor when enlarging, ceil when shrinking
            case "simple" -> scale < 1 ? (int) Math.ceil(x) : (int) Math.floor(x);
            default -> throw new UnsupportedOpException(n.describe() + ": no gradient for nearest_mode '" + mode + "'");
        };
    }

    /** Keys' cubic convolution weights for the neighbours at -1, 0, 1, 2 of a point at fraction r. */
    private static double[] cubicWeights(double r, double a) {
        double r1 = r + 1;
        double r2 = 1 - r;
        double r3 = 2 - r;
        return new double[] {
            ((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * r2 - (a + 3)) * r2 * r2 + 1,
            ((a * r3 - 5 * a) * r3 + 8 * a) * r3 - 4 * a,
        };
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(i, size - 1));
    }

    private static Tensor matrix(String name, double[][] m, boolean transpose) {
        int rows = transpose ? m[0].length : m.length;
        int cols = transpose ? m.length : m[0].length;
        float[] f = new float[rows * cols];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                f[transpose ? j * cols + i : i * cols + j] = (float) m[i][j];
            }
        }
        return Tensor.ofFloats(name, new long[] {rows, cols}, f);
    }
}
