package org.eqvae4j.export.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/** Ops that move values around without arithmetic: their gradients move them back. */
final class ShapeRules {
    private ShapeRules() {}

    static void register(GradientRules r) {
        GradientRule reshapeBack = (n, c) ->
                c.accumulate(n.input(0), c.builder().op("Reshape", c.gradOf(n.output(0)), c.shapeOf(n.input(0))));
        for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze")) {
            r.put(op, reshapeBack);
        }
        r.put("Transpose", ShapeRules::transpose);
        r.put("Expand", (n, c) -> c.accumulate(n.input(0), c.unbroadcast(c.gradOf(n.output(0)), n.input(0), n)));
        r.put("Slice", ShapeRules::slice);
        r.put("Concat", ShapeRules::concat);
        r.put("Split", ShapeRules::split);
        r.put("Gather", ShapeRules::gather);
        r.put("Pad", ShapeRules::pad);
        r.put("Tile", ShapeRules::tile);
    }

    /**
     * Tile repeats x r_i times along axis i: view dy as [r_0, d_0, r_1, d_1, ...] and sum over the
     * repeat axes. Needs x's static shape and constant repeats.
     */
    private static void tile(Node n, GradientContext c) {
        Value x = n.input(0);
        Tensor repeatsT = c.constant(n.input(1));
        if (repeatsT == null || x.shape() == null || !x.shape().isStatic()) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient needs constant repeats and a static input shape, got " + x);
        }
        long[] repeats = repeatsT.toLongs();
        long[] dims = x.shape().toArray();
        long[] split = new long[2 * dims.length];
        long[] repeatAxes = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            split[2 * i] = repeats[i];
            split[2 * i + 1] = dims[i];
            repeatAxes[i] = 2 * i;
        }
        GraphBuilder b = c.builder();
        c.accumulate(x, b.reduceSum(b.reshape(c.gradOf(n.output(0)), split), false, repeatAxes));
    }

    private static void transpose(Node n, GradientContext c) {
        Value x = n.input(0);
        long[] perm = n.attrLongs("perm", null);
        if (perm == null) {
            if (x.shape() == null) {
                throw new UnsupportedOpException(n.describe() + ": gradient needs the perm attribute or a known rank");
            }
            perm = new long[x.rank()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = perm.length - 1 - i;
            }
        }
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        c.accumulate(x, c.builder().transpose(c.gradOf(n.output(0)), inverse));
    }

    /** Scatter back by zero-padding; needs constant starts/ends and unit steps. */
    private static void slice(Node n, GradientContext c) {
        Value x = n.input(0);
        Tensor starts = c.constant(n.input(1));
        Tensor ends = c.constant(n.input(2));
        Tensor axesT = n.input(3) == null ? null : c.constant(n.input(3));
        Tensor stepsT = n.input(4) == null ? null : c.constant(n.input(4));
        if (starts == null
                || ends == null
                || (n.input(3) != null && axesT == null)
                || (n.input(4) != null && stepsT == null)) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs constant starts, ends, axes and steps");
        }
        if (x.shape() == null) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs the input rank");
        }
        int rank = x.rank();
        long[] s = starts.toLongs();
        long[] e = ends.toLongs();
        long[] axes = axesT == null ? range(s.length) : axesT.toLongs();
        long[] steps = stepsT == null ? null : stepsT.toLongs();
        long[] pads = new long[2 * rank];
        for (int i = 0; i < s.length; i++) {
            if (steps != null && steps[i] != 1) {
                throw new UnsupportedOpException(n.describe() + ": gradient supports step 1 only, got " + steps[i]);
            }
            int axis = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
            long dim = x.shape().size(axis);
            if (dim < 0) {
                throw new UnsupportedOpException(
                        n.describe() + ": gradient needs a static size on sliced axis " + axis);
            }
            long start = clamp(s[i] < 0 ? s[i] + dim : s[i], dim);
            long end = clamp(e[i] < 0 ? e[i] + dim : e[i], dim);
            pads[axis] = start;
            pads[axis + rank] = dim - Math.max(start, end);
        }
        GraphBuilder b = c.builder();
        c.accumulate(x, b.op("Pad", c.gradOf(n.output(0)), b.longs(pads)));
    }

    private static void concat(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        long axis = n.attrLong("axis", 0);
        Value[] sizes = new Value[n.inputs().size()];
        for (int i = 0; i < sizes.length; i++) {
            Value v = n.input(i);
            if (v.shape() != null && v.shape().dim((int) axis).isStatic()) {
                sizes[i] = b.longs(v.shape().size((int) axis));
            } else {
                sizes[i] = b.op("Gather", List.of(c.shapeOf(v), b.longs(axis)), Map.of("axis", 0));
            }
        }
        List<Value> parts = b.op(
                "", "Split", List.of(c.gradOf(n.output(0)), b.concat(0, sizes)), Map.of("axis", axis), sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            c.accumulate(n.input(i), parts.get(i));
        }
    }

    private static void split(Node n, GradientContext c) {
        long axis = n.attrLong("axis", 0);
        List<Value> grads = new ArrayList<>();
        for (Value o : n.outputs()) {
            Value g = c.gradOf(o);
            grads.add(g != null ? g : c.zerosLike(o));
        }
        c.accumulate(n.input(0), c.builder().concat((int) axis, grads.toArray(Value[]::new)));
    }

    /**
     * Gather: scatter-add the gradient back to the gathered positions (an embedding lookup on axis 0; on
     * another axis, e.g. torch's {@code qkv[:, 0]}, that axis is moved to the front and back again).
     */
    private static void gather(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value data = n.input(0);
        Value idx = n.input(1);
        long axis = n.attrLong("axis", 0);
        if (axis != 0 && (data.shape() == null || idx.shape() == null)) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient of Gather on axis " + axis + " needs the ranks of data and indices");
        }
        int rank = data.shape() == null ? 0 : data.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        Value g = c.gradOf(n.output(0));
        Value target = data;
        long[] back = null;
        if (a != 0) {
            int k = idx.rank();
            long[] dyPerm = new long[rank - 1 + k];
            int p = 0;
            for (int i = 0; i < k; i++) {
                dyPerm[p++] = a + i;
            }
            for (int i = 0; i < a; i++) {
                dyPerm[p++] = i;
            }
            for (int i = a + k; i < dyPerm.length; i++) {
                dyPerm[p++] = i;
            }
            long[] dataPerm = new long[rank];
            back = new long[rank];
            dataPerm[0] = a;
            for (int i = 0; i < a; i++) {
                dataPerm[i + 1] = i;
            }
            for (int i = a + 1; i < rank; i++) {
                dataPerm[i] = i;
            }
            for (int i = 0; i < rank; i++) {
                back[(int) dataPerm[i]] = i;
            }
            g = b.transpose(g, dyPerm);
            target = b.transpose(data, dataPerm);
        }
        Value index = b.unsqueeze(idx, -1);
        Value scattered = b.op("ScatterND", List.of(c.zerosLike(target), index, g), Map.of("reduction", "add"));
        c.accumulate(data, back == null ? scattered : b.transpose(scattered, back));
    }

    /** Constant zero padding: the gradient is the unpadded window. */
    private static void pad(Node n, GradientContext c) {
        if (!n.attrString("mode", "constant").equals("constant")) {
            throw new UnsupportedOpException(n.describe() + ": gradient supports constant padding only");
        }
        Tensor padsT = c.constant(n.input(1));
        if (padsT == null || (n.input(3) != null)) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs constant pads over all axes");
        }
        long[] pads = padsT.toLongs();
        int rank = pads.length / 2;
        long[] starts = new long[rank];
        long[] ends = new long[rank];
        for (int i = 0; i < rank; i++) {
            if (pads[i] < 0 || pads[i + rank] < 0) {
                throw new UnsupportedOpException(n.describe() + ": gradient does not support negative (cropping) pads");
            }
            starts[i] = pads[i];
            ends[i] = pads[i + rank] == 0 ? Long.MAX_VALUE : -pads[i + rank];
        }
        GraphBuilder b = c.builder();
        c.accumulate(
                n.input(0), b.op("Slice", c.gradOf(n.output(0)), b.longs(starts), b.longs(ends), b.longs(range(rank))));
    }

    private static long clamp(long v, long dim) {
        return Math.max(0, Math.min(v, dim));
    }

    static long[] range(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
