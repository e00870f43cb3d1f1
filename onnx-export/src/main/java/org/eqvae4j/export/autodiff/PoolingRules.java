package org.eqvae4j.export.autodiff;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * MaxPool, AveragePool and GlobalAveragePool over any number of spatial axes, with standard ops only
 * (ONNX Runtime's MaxPoolGrad/AveragePoolGrad are training-build kernels): max pooling scatters the
 * gradient to the arg-max positions a second MaxPool reports; average pooling spreads it back with a
 * depthwise ConvTranspose of a ones kernel, divided by the number of elements each window averaged.
 */
final class PoolingRules {
    private PoolingRules() {}

    static void register(GradientRules r) {
        r.put("MaxPool", PoolingRules::maxPool);
        r.put("AveragePool", PoolingRules::averagePool);
        r.put("GlobalAveragePool", PoolingRules::globalAveragePool);
    }

    /** dx = scatter-add of dy at the flat input indices of the maxima (ONNX's Indices count N and C in). */
    private static void maxPool(Node n, GradientContext c) {
        if (n.attrLong("storage_order", 0) != 0) {
            throw new UnsupportedOpException(n.describe() + ": gradient supports storage_order=0 (row major) only");
        }
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value indices = n.outputs().size() > 1 && !n.output(1).name().isEmpty() ? n.output(1) : null;
        if (indices == null) {
            // the forward node did not ask for indices: pool once more, this time with them
            Map<String, Object> attrs = new LinkedHashMap<>();
            n.attributes().forEach(attrs::put);
            indices = b.op("", "MaxPool", List.of(x), attrs, 2).get(1);
        }
        Value flatSize = x.shape() != null && x.shape().isStatic()
                ? b.longs(x.shape().numElements())
                : b.op("Reshape", b.op("Size", x), b.longs(1));
        Value zeros = b.op(
                "ConstantOfShape", List.of(flatSize), Map.of("value", Tensor.ofFloats("zero", new long[] {1}, 0f)));
        Value scattered = b.op(
                "ScatterElements",
                List.of(
                        zeros,
                        b.op("Reshape", indices, b.longs(-1)),
                        b.op("Reshape", c.gradOf(n.output(0)), b.longs(-1))),
                Map.of("axis", 0L, "reduction", "add"));
        c.accumulate(x, b.op("Reshape", scattered, c.shapeOf(x)));
    }

    private static void averagePool(Node n, GradientContext c) {
        Value x = n.input(0);
        Value y = n.output(0);
        Shape xs = x.shape();
        Shape ys = y.shape() != null ? y.shape() : c.gradOf(y).shape();
        if (xs == null || !xs.isStatic() || ys == null || !ys.isStatic()) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient needs static input and output shapes, got " + xs + " -> " + ys);
        }
        String autoPad = n.attrString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient needs explicit pads (auto_pad=NOTSET or VALID), got " + autoPad);
        }
        int spatial = xs.rank() - 2;
        long[] kernel = n.attrLongs("kernel_shape", null);
        long[] strides = n.attrLongs("strides", ones(spatial));
        long[] pads = autoPad.equals("VALID") ? new long[2 * spatial] : n.attrLongs("pads", new long[2 * spatial]);
        long[] dil = n.attrLongs("dilations", ones(spatial));
        if (Arrays.stream(dil).anyMatch(d -> d != 1)) {
            throw new UnsupportedOpException(n.describe() + ": gradient supports dilation 1 only");
        }
        boolean includePad = n.attrLong("count_include_pad", 0) != 0;
        long channels = xs.size(1);
        GraphBuilder b = c.builder();
        long window = 1;
        for (long k : kernel) {
            window *= k;
        }
        Value g = c.gradOf(y);
        boolean padded = Arrays.stream(pads).anyMatch(p -> p != 0);
        boolean ceilOverhang = false;
        long[] outputPadding = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            long covered = strides[i] * (ys.size(2 + i) - 1) + kernel[i];
            long padded_i = xs.size(2 + i) + pads[i] + pads[i + spatial];
            ceilOverhang |= covered > padded_i;
            outputPadding[i] = xs.size(2 + i) - (covered - pads[i] - pads[i + spatial]);
        }
        if (ceilOverhang) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient does not support windows past the padded input (ceil_mode overhang)");
        }
        if (includePad || !padded) {
            g = b.div(g, b.scalar(window));
        } else {
            // each output averaged only the input elements under its window: count them with a ones convolution
            long[] oneShape = new long[xs.rank()];
            Arrays.fill(oneShape, 1);
            for (int i = 0; i < spatial; i++) {
                oneShape[2 + i] = xs.size(2 + i);
            }
            Value onesIn = b.constant(filled("pool_ones", oneShape, 1f));
            long[] kShape = withLeading(1, 1, kernel);
            Map<String, Object> convAttrs = new LinkedHashMap<>();
            convAttrs.put("kernel_shape", kernel);
            convAttrs.put("strides", strides);
            convAttrs.put("pads", pads);
            Value counts = b.op("Conv", List.of(onesIn, b.constant(filled("pool_window", kShape, 1f))), convAttrs);
            g = b.div(g, counts);
        }
        long[] wShape = withLeading(channels, 1, kernel);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", kernel);
        attrs.put("strides", strides);
        attrs.put("pads", pads);
        attrs.put("group", channels);
        if (Arrays.stream(outputPadding).anyMatch(p -> p != 0)) {
            attrs.put("output_padding", outputPadding);
        }
        c.accumulate(x, b.op("ConvTranspose", List.of(g, b.constant(filled("pool_spread", wShape, 1f))), attrs));
    }

    private static void globalAveragePool(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value spread = b.op("Expand", c.gradOf(n.output(0)), c.shapeOf(x));
        Value count;
        if (x.shape() != null && x.shape().isStatic()) {
            count = b.scalar(
                    x.shape().numElements() / (x.shape().size(0) * x.shape().size(1)));
        } else {
            count = b.div(
                    b.op("Cast", List.of(b.op("Size", x)), Map.of("to", 1)),
                    b.op("Cast", List.of(b.op("Size", n.output(0))), Map.of("to", 1)));
        }
        c.accumulate(x, b.div(spread, count));
    }

    /** A kernel's weight shape: [out, in, kernel...]. */
    private static long[] withLeading(long out, long in, long[] kernel) {
        long[] shape = new long[kernel.length + 2];
        shape[0] = out;
        shape[1] = in;
        System.arraycopy(kernel, 0, shape, 2, kernel.length);
        return shape;
    }

    private static Tensor filled(String name, long[] dims, float value) {
        float[] v = new float[Math.toIntExact(Tensor.numElements(dims))];
        Arrays.fill(v, value);
        return Tensor.ofFloats(name, dims, v);
    }

    private static long[] ones(int n) {
        long[] o = new long[n];
        Arrays.fill(o, 1);
        return o;
    }
}
