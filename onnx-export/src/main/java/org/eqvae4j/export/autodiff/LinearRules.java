package org.eqvae4j.export.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Value;

/** MatMul, Gemm, Einsum, 2-D Conv and ConvTranspose. Gradients use forward ops only (no ConvGrad kernels needed). */
final class LinearRules {
    private LinearRules() {}

    static void register(GradientRules r) {
        r.put("MatMul", LinearRules::matmul);
        r.put("Gemm", LinearRules::gemm);
        r.put("Conv", LinearRules::conv);
        r.put("ConvTranspose", LinearRules::convTranspose);
        r.put("Einsum", LinearRules::einsum);
    }

    /**
     * Y = ConvTranspose(X, W) is the adjoint of the convolution with weight W (as [C_in, C_out/group]
     * conv weight) and the same strides and pads, so dX = Conv(dY, W) and dW is that convolution's weight
     * gradient with the roles of input and output gradient exchanged.
     */
    private static void convTranspose(Node n, GradientContext c) {
        convolution(n, c, true);
    }

    /**
     * Einsum without repeated subscripts inside an operand: the gradient of operand k is the Einsum of the
     * output gradient with the other operands, producing operand k's subscripts. Every subscript of operand k
     * must appear in the output or another operand (true of attention's "bhqd,bhkd->bhqk" and
     * "bhqk,bhkd->bhqd" and of batched matrix products).
     */
    private static void einsum(Node n, GradientContext c) {
        String equation = n.attrString("equation", "").replace(" ", "");
        int arrow = equation.indexOf("->");
        List<String> operands = List.of((arrow < 0 ? equation : equation.substring(0, arrow)).split(",", -1));
        String output = arrow < 0 ? implicitOutput(operands) : equation.substring(arrow + 2);
        GraphBuilder b = c.builder();
        for (int k = 0; k < operands.size(); k++) {
            Value x = n.input(k);
            if (!c.needs(x)) {
                continue;
            }
            String mine = operands.get(k);
            StringBuilder others = new StringBuilder(output);
            List<Value> in = new ArrayList<>();
            in.add(c.gradOf(n.output(0)));
            for (int j = 0; j < operands.size(); j++) {
                if (j != k) {
                    others.append(operands.get(j));
                    in.add(n.input(j));
                }
            }
            String letters = mine.replace("...", "");
            for (int i = 0; i < letters.length(); i++) {
                char ch = letters.charAt(i);
                if (letters.indexOf(ch) != i || others.indexOf(String.valueOf(ch)) < 0) {
                    throw new UnsupportedOpException(n.describe() + ": no gradient for Einsum '" + equation
                            + "' (subscript '" + ch + "' of operand " + k + " is repeated or summed within it)");
                }
            }
            StringBuilder eq = new StringBuilder(output);
            for (int j = 0; j < operands.size(); j++) {
                if (j != k) {
                    eq.append(',').append(operands.get(j));
                }
            }
            eq.append("->").append(mine);
            c.accumulate(x, b.op("Einsum", in, Map.of("equation", eq.toString())));
        }
    }

    /** Einsum's implicit output: the subscripts that occur once, in alphabetical order (ellipsis first). */
    private static String implicitOutput(List<String> operands) {
        String all = String.join("", operands);
        StringBuilder out = new StringBuilder(all.contains("...") ? "..." : "");
        String letters = all.replace("...", "");
        letters.chars()
                .sorted()
                .distinct()
                .filter(ch -> letters.indexOf(ch) == letters.lastIndexOf(ch))
                .forEach(ch -> out.append((char) ch));
        return out.toString();
    }

    static void registerFusedConv(GradientRules r) {
        r.put("Conv", LinearRules::fusedConv);
    }

    /**
     * com.microsoft ConvGrad(dY, X, W) -> (dX, dW, dB) with the forward node's attributes, except that the input
     * gradient of a stride-1, ungrouped convolution is a forward Conv of dY with the flipped, transposed kernel.
     * ONNX Runtime's ConvGrad computes dX as a GEMM into a column buffer folded back by a single-threaded col2im;
     * the forward Conv runs MLAS's threaded convolution instead: the TAEF2 training step is 11% (64 px) to 18%
     * (128 px) faster with it (models/reports/profile-train.md).
     */
    private static void fusedConv(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        b.useOpset(MICROSOFT, 1);
        Map<String, Object> attrs = new LinkedHashMap<>();
        n.attributes().forEach((k, v) -> attrs.put(k, v));
        Value x = n.input(0);
        Conv2d asConv = c.needs(x) ? transposableAsConv(n) : null; // non-null: dX by a forward Conv
        // only the gradients that are needed: ONNX Runtime skips outputs with empty names (e.g. dX of a first
        // layer that sees the image, dW of a discriminator whose weights are detached)
        boolean[] wanted = {c.needs(x) && asConv == null, c.needs(n.input(1)), n.input(2) != null && c.needs(n.input(2))
        };
        if (wanted[0] || wanted[1] || wanted[2]) {
            List<Value> grads = b.opWithOptionalOutputs(
                    MICROSOFT, "ConvGrad", List.of(c.gradOf(n.output(0)), x, n.input(1)), attrs, wanted);
            for (int i = 0; i < 3; i++) {
                if (wanted[i]) {
                    c.accumulate(n.input(i), withShapeOf(grads.get(i), n.input(i)));
                }
            }
        }
        if (asConv != null) {
            c.accumulate(x, withShapeOf(inputGradByConv(b, c.gradOf(n.output(0)), n.input(1), asConv), x));
        }
    }

    /**
     * The convolution when it has stride 1, one group, and pads no larger than the kernel minus one, besides what
     * {@link Conv2d#of} requires (2-D, static weight shape, explicit pads, dilation 1): its input gradient is then
     * itself such a convolution. Null otherwise (ConvGrad takes it).
     */
    private static Conv2d transposableAsConv(Node n) {
        Conv2d k;
        try {
            k = Conv2d.of(n, n.input(0), n.input(1), "convolutions");
        } catch (UnsupportedOpException e) {
            return null;
        }
        long[] p = k.pads();
        boolean ok = k.group() == 1
                && k.strides()[0] == 1
                && k.strides()[1] == 1
                && p[0] < k.kh()
                && p[2] < k.kh()
                && p[1] < k.kw()
                && p[3] < k.kw();
        return ok ? k : null;
    }

    /**
     * dX = Conv(dY, W') for a stride-1 convolution, W'[i,o] = W[o,i] rotated by 180 degrees, padded by the
     * kernel size minus one minus the forward pads: the full correlation that a transposed convolution is.
     */
    private static Value inputGradByConv(GraphBuilder b, Value g, Value w, Conv2d k) {
        long kh = k.kh();
        long kw = k.kw();
        long[] p = k.pads();
        Value transposed = b.transpose(w, 1, 0, 2, 3);
        Value flipped = kh == 1 && kw == 1
                ? transposed
                : b.op(
                        "Slice",
                        transposed,
                        b.longs(-1, -1),
                        b.longs(Long.MIN_VALUE, Long.MIN_VALUE),
                        b.longs(2, 3),
                        b.longs(-1, -1));
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", new long[] {kh, kw});
        attrs.put("pads", new long[] {kh - 1 - p[0], kw - 1 - p[1], kh - 1 - p[2], kw - 1 - p[3]});
        return b.op("Conv", List.of(g, flipped), attrs);
    }

    private static final String MICROSOFT = "com.microsoft";

    private static Value withShapeOf(Value grad, Value of) {
        return of.shape() == null ? grad : new Value(grad.name(), grad.dtype(), of.shape());
    }

    private static Value swapLast2(GraphBuilder b, Value v, Node n) {
        if (v.shape() == null || v.rank() < 2) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs operands of known rank >= 2, got " + v);
        }
        long[] perm = new long[v.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[perm.length - 1] = perm.length - 2;
        perm[perm.length - 2] = perm.length - 1;
        return b.transpose(v, perm);
    }

    private static void matmul(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value a = n.input(0);
        Value bb = n.input(1);
        Value g = c.gradOf(n.output(0));
        if (c.needs(a)) {
            c.accumulate(a, c.unbroadcast(b.matmul(g, swapLast2(b, bb, n)), a, n));
        }
        if (c.needs(bb)) {
            c.accumulate(bb, c.unbroadcast(b.matmul(swapLast2(b, a, n), g), bb, n));
        }
    }

    /** Y = alpha * A' B' + beta * C with A' = transA ? A^T : A (rank 2). */
    private static void gemm(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value a = n.input(0);
        Value bb = n.input(1);
        Value g = c.gradOf(n.output(0));
        float alpha = n.attrFloat("alpha", 1f);
        float beta = n.attrFloat("beta", 1f);
        boolean ta = n.attrLong("transA", 0) != 0;
        boolean tb = n.attrLong("transB", 0) != 0;
        Value ga = alpha == 1f ? g : b.mul(g, b.scalar(alpha));
        if (c.needs(a)) {
            // dA' = g B'^T ; dA = transA ? (dA')^T = B' g^T : dA'
            Value bPrime = tb ? b.transpose(bb, 1, 0) : bb;
            Value d = ta ? b.matmul(bPrime, b.transpose(ga, 1, 0)) : b.matmul(ga, b.transpose(bPrime, 1, 0));
            c.accumulate(a, d);
        }
        if (c.needs(bb)) {
            Value aPrime = ta ? b.transpose(a, 1, 0) : a;
            Value d = tb ? b.matmul(b.transpose(ga, 1, 0), aPrime) : b.matmul(b.transpose(aPrime, 1, 0), ga);
            c.accumulate(bb, d);
        }
        if (n.input(2) != null && c.needs(n.input(2))) {
            c.accumulate(n.input(2), c.unbroadcast(beta == 1f ? g : b.mul(g, b.scalar(beta)), n.input(2), n));
        }
    }

    private static void conv(Node n, GradientContext c) {
        convolution(n, c, false);
    }

    private static void convolution(Node n, GradientContext c, boolean transposed) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value w = n.input(1);
        Value g = c.gradOf(n.output(0));
        Conv2d k = Conv2d.of(n, x, w, transposed ? "transposed convolutions" : "convolutions");
        if (c.needs(x)) {
            c.accumulate(x, transposed ? b.op("Conv", List.of(g, w), k.attributes()) : inputGrad(b, c, g, w, x, k));
        }
        if (c.needs(w)) {
            c.accumulate(w, transposed ? weightGrad(b, x, g, w.shape(), k) : weightGrad(b, g, x, w.shape(), k));
        }
        if (n.input(2) != null && c.needs(n.input(2))) {
            c.accumulate(n.input(2), b.reduceSum(g, false, 0, 2, 3));
        }
    }

    /** The attributes of a 2-D (transposed) convolution whose gradient the rules can write. */
    private record Conv2d(long[] strides, long[] pads, long group, long kh, long kw) {
        static Conv2d of(Node n, Value x, Value w, String what) {
            Shape ws = w.shape();
            if (ws == null || !ws.isStatic() || ws.rank() != 4 || x.shape() == null || x.rank() != 4) {
                throw new UnsupportedOpException(n.describe() + ": gradient supports 2-D " + what
                        + " with a static weight shape, got weight " + w);
            }
            if (!n.attrString("auto_pad", "NOTSET").equals("NOTSET") || n.attribute("output_shape") != null) {
                throw new UnsupportedOpException(
                        n.describe() + ": gradient needs explicit pads (auto_pad=NOTSET, no output_shape)");
            }
            long[] dil = n.attrLongs("dilations", new long[] {1, 1});
            if (dil[0] != 1 || dil[1] != 1) {
                throw new UnsupportedOpException(
                        n.describe() + ": gradient supports dilation 1 only, got " + Arrays.toString(dil));
            }
            return new Conv2d(
                    n.attrLongs("strides", new long[] {1, 1}),
                    n.attrLongs("pads", new long[4]),
                    n.attrLong("group", 1),
                    ws.size(2),
                    ws.size(3));
        }

        /** Kernel shape, strides, pads and group as Conv/ConvTranspose attributes. */
        Map<String, Object> attributes() {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("kernel_shape", new long[] {kh, kw});
            attrs.put("strides", strides);
            attrs.put("pads", pads);
            if (group != 1) {
                attrs.put("group", group);
            }
            return attrs;
        }
    }

    /** dX = ConvTranspose(dY, W) with the forward pads and strides, sized back to X. */
    private static Value inputGrad(GraphBuilder b, GradientContext c, Value g, Value w, Value x, Conv2d k) {
        Map<String, Object> attrs = k.attributes();
        long[] strides = k.strides();
        long[] pads = k.pads();
        long kh = k.kh();
        long kw = k.kw();
        Shape xs = x.shape();
        Shape gs = g.shape();
        boolean staticSizes = xs.dim(2).isStatic()
                && xs.dim(3).isStatic()
                && gs != null
                && gs.dim(2).isStatic()
                && gs.dim(3).isStatic();
        if (staticSizes) {
            long oh = xs.size(2) - (strides[0] * (gs.size(2) - 1) + kh - pads[0] - pads[2]);
            long ow = xs.size(3) - (strides[1] * (gs.size(3) - 1) + kw - pads[1] - pads[3]);
            if (oh != 0 || ow != 0) {
                attrs.put("output_padding", new long[] {oh, ow});
            }
            return b.op("ConvTranspose", List.of(g, w), attrs);
        }
        // sizes known only at run time: transpose without end padding (rows past X belong to the forward's
        // padding and are cut off), then zero-pad rows of X the forward never read
        attrs.put("pads", new long[] {pads[0], pads[1], 0, 0});
        Value y = b.op("ConvTranspose", List.of(g, w), attrs);
        Value size = b.op("Slice", c.shapeOf(x), b.longs(2), b.longs(4));
        Value cut = b.op("Slice", y, b.longs(0, 0), size, b.longs(2, 3));
        Value missing = b.sub(size, b.op("Slice", b.op("Shape", cut), b.longs(2), b.longs(4)));
        return b.op("Pad", cut, b.concat(0, b.longs(0, 0, 0, 0, 0, 0), missing));
    }

    /**
     * dW[o,i,:,:] = sum_n correlate(X[n,i], dY[n,o] dilated by the stride): a Conv with batch and channel
     * axes swapped, cut to the kernel size. Groups are handled one at a time.
     */
    private static Value weightGrad(GraphBuilder b, Value g, Value x, Shape ws, Conv2d k) {
        long[] strides = k.strides();
        long[] pads = k.pads();
        long group = k.group();
        long kh = k.kh();
        long kw = k.kw();
        if (group == 1) {
            return weightGradOneGroup(b, g, x, strides, pads, kh, kw);
        }
        long cout = ws.size(0) / group;
        long cin = ws.size(1);
        long[] xSplit = new long[(int) group];
        long[] gSplit = new long[(int) group];
        Arrays.fill(xSplit, cin);
        Arrays.fill(gSplit, cout);
        List<Value> xs = b.split(x, 1, xSplit);
        List<Value> gs = b.split(g, 1, gSplit);
        List<Value> parts = new ArrayList<>();
        for (int i = 0; i < group; i++) {
            parts.add(weightGradOneGroup(b, gs.get(i), xs.get(i), strides, pads, kh, kw));
        }
        return b.concat(0, parts.toArray(Value[]::new));
    }

    private static Value weightGradOneGroup(
            GraphBuilder b, Value g, Value x, long[] strides, long[] pads, long kh, long kw) {
        Value xt = b.transpose(x, 1, 0, 2, 3);
        Value gt = b.transpose(g, 1, 0, 2, 3);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("pads", pads);
        attrs.put("dilations", strides);
        Value full = b.op("Conv", List.of(xt, gt), attrs);
        Value cut = b.op("Slice", full, b.longs(0, 0), b.longs(kh, kw), b.longs(2, 3));
        return b.transpose(cut, 1, 0, 2, 3);
    }
}
