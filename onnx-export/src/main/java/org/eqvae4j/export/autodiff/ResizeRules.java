package org.eqvae4j.export.autodiff;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.Resampler;

/**
 * Resize on the two spatial axes of NCHW. ONNX Runtime's CPU build has no ResizeGrad kernel, so the
 * gradients are written with standard ops: integer nearest upsampling sums each s x s block
 * (AveragePool times s^2); linear resizing is a fixed matrix per axis, so its gradient is two MatMuls
 * with the transposed matrices (sizes must be static).
 */
final class ResizeRules {
    private ResizeRules() {
    }

    static void register(GradientRules r) {
        r.put("Resize", ResizeRules::resize);
    }

    private static void resize(Node n, GradientContext c) {
        Value x = n.input(0);
        if (x.shape() == null || x.rank() != 4) {
            throw new UnsupportedOpException(n.describe() + ": gradient supports 4-D (NCHW) inputs of known rank");
        }
        String mode = n.attrString("mode", "nearest");
        String coord = n.attrString("coordinate_transformation_mode", "half_pixel");
        double[] scale = scales(n, c, x);
        if (scale[0] != 1 || scale[1] != 1) {
            throw new UnsupportedOpException(n.describe() + ": gradient supports resizing of H and W only");
        }
        switch (mode) {
            case "nearest" -> nearest(n, c, x, scale, coord);
            case "linear" -> linear(n, c, x, scale, coord);
            default -> throw new UnsupportedOpException(n.describe() + ": no gradient for Resize mode '" + mode + "'");
        }
    }

    /** Per-axis scale factors (output/input), from the scales input or from sizes and a static input. */
    private static double[] scales(Node n, GradientContext c, Value x) {
        Tensor scales = n.input(2) == null ? null : c.constant(n.input(2));
        if (scales != null && scales.numElements() == 4) {
            float[] f = scales.toFloats();
            return new double[] {f[0], f[1], f[2], f[3]};
        }
        Tensor sizes = n.input(3) == null ? null : c.constant(n.input(3));
        if (sizes != null && x.shape().isStatic()) {
            long[] s = sizes.toLongs();
            double[] r = new double[4];
            for (int i = 0; i < 4; i++) {
                r[i] = (double) s[i] / x.shape().size(i);
            }
            return r;
        }
        throw new UnsupportedOpException(n.describe() + ": gradient needs constant scales, or constant sizes with a static input shape");
    }

    private static void nearest(Node n, GradientContext c, Value x, double[] scale, String coord) {
        String rounding = n.attrString("nearest_mode", "round_prefer_floor");
        boolean floorMapping = (coord.equals("asymmetric") && rounding.equals("floor"))
                || ((coord.equals("half_pixel") || coord.equals("pytorch_half_pixel"))
                    && (rounding.equals("round_prefer_floor") || rounding.equals("round_prefer_ceil")));
        long sh = Math.round(scale[2]);
        long sw = Math.round(scale[3]);
        if (!floorMapping || sh < 1 || sw < 1 || Math.abs(scale[2] - sh) > 1e-6 || Math.abs(scale[3] - sw) > 1e-6) {
            throw new UnsupportedOpException(n.describe() + ": nearest-mode gradient supports integer upsampling with output index o -> floor(o / s) (got scales "
                    + scale[2] + "x" + scale[3] + ", " + coord + ", " + rounding + ")");
        }
        GraphBuilder b = c.builder();
        Value pooled = b.op("AveragePool", List.of(c.gradOf(n.output(0))),
                Map.of("kernel_shape", new long[] {sh, sw}, "strides", new long[] {sh, sw}));
        c.accumulate(x, b.mul(pooled, b.scalar(sh * sw)));
    }

    private static void linear(Node n, GradientContext c, Value x, double[] scale, String coord) {
        Shape xs = x.shape();
        if (!xs.dim(2).isStatic() || !xs.dim(3).isStatic()) {
            throw new UnsupportedOpException(n.describe() + ": linear-mode gradient needs static input height and width, got " + xs);
        }
        if (!coord.equals("half_pixel") && !coord.equals("pytorch_half_pixel")) {
            throw new UnsupportedOpException(n.describe() + ": linear-mode gradient supports half_pixel coordinates (PyTorch align_corners=False), got " + coord);
        }
        int ih = (int) xs.size(2);
        int iw = (int) xs.size(3);
        int oh = (int) Math.floor(ih * scale[2]);
        int ow = (int) Math.floor(iw * scale[3]);
        if (coord.equals("pytorch_half_pixel") && (oh == 1 || ow == 1)) {
            throw new UnsupportedOpException(n.describe() + ": pytorch_half_pixel with an output size of 1 is not supported");
        }
        GraphBuilder b = c.builder();
        // y = Mh x Mw^T  =>  dx = Mh^T dy Mw
        Value mhT = b.constant(matrix("resize_rows_T", Resampler.matrix(ih, oh, 1 / scale[2], Interpolation.BILINEAR), true));
        Value mw = b.constant(matrix("resize_cols", Resampler.matrix(iw, ow, 1 / scale[3], Interpolation.BILINEAR), false));
        c.accumulate(x, b.matmul(b.matmul(mhT, c.gradOf(n.output(0))), mw));
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
