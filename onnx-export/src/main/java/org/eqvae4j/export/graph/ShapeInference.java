package org.eqvae4j.export.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Static output shapes for the ops the architectures use, so that a built graph carries dtype and
 * shape on every value. Returns null where the shape is not derivable from static information; ONNX
 * Runtime infers those at load time.
 */
final class ShapeInference {
    private ShapeInference() {
    }

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
            case "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Neg", "LeakyRelu", "Identity", "Softmax",
                 "Clip", "Cast", "Erf", "Reciprocal", "LayerNormalization", "InstanceNormalization",
                 "GroupNormalization", "BatchNormalization", "Dropout", "Floor", "Ceil", "Round", "Sign",
                 "Elu", "Gelu", "Softplus", "IsNaN", "Not", "LogSoftmax", "ScatterND", "Cos", "Sin", "HardSigmoid",
                 "HardSwish", "Mish", "ScatterElements" -> {
                return x;
            }
            case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Equal", "Greater", "Less", "Where",
                 "And", "Or", "GreaterOrEqual", "LessOrEqual", "Sum", "Mean" -> {
                Shape s = x;
                for (int i = 1; i < in.size() && s != null; i++) {
                    s = broadcast(s, in.get(i) == null ? null : in.get(i).shape());
                }
                return s;
            }
            case "Conv" -> {
                return conv(x, in.get(1).shape(), attrs, false);
            }
            case "ConvTranspose" -> {
                return conv(x, in.get(1).shape(), attrs, true);
            }
            case "MatMul" -> {
                Shape b = in.get(1).shape();
                if (x == null || b == null || x.rank() < 2 || b.rank() < 2) {
                    return null;
                }
                Shape batch = broadcast(new Shape(x.dims().subList(0, x.rank() - 2)), new Shape(b.dims().subList(0, b.rank() - 2)));
                if (batch == null) {
                    return null;
                }
                List<Shape.Dim> d = new ArrayList<>(batch.dims());
                d.add(x.dim(-2));
                d.add(b.dim(-1));
                return new Shape(d);
            }
            case "Gemm" -> {
                Shape b = in.get(1).shape();
                if (x == null || b == null) {
                    return null;
                }
                boolean ta = attrLong(attrs, "transA", 0) != 0;
                boolean tb = attrLong(attrs, "transB", 0) != 0;
                return new Shape(List.of(ta ? x.dim(1) : x.dim(0), tb ? b.dim(0) : b.dim(1)));
            }
            case "Transpose" -> {
                if (x == null) {
                    return null;
                }
                long[] perm = attrs.containsKey("perm") ? attrs.get("perm").asLongs() : reversed(x.rank());
                List<Shape.Dim> d = new ArrayList<>();
                for (long p : perm) {
                    d.add(x.dim((int) p));
                }
                return new Shape(d);
            }
            case "Reshape" -> {
                Tensor target = constant(in, 1, constants);
                if (target == null) {
                    return null;
                }
                long[] t = target.toLongs();
                Object[] dims = new Object[t.length];
                int inferAxis = -1;
                long known = 1;
                for (int i = 0; i < t.length; i++) {
                    if (t[i] == 0 && x != null) {
                        dims[i] = x.dim(i).isStatic() ? (Object) x.size(i) : x.dim(i).symbol();
                    } else if (t[i] == -1) {
                        inferAxis = i;
                        continue;
                    } else {
                        dims[i] = t[i];
                    }
                    if (dims[i] instanceof Long l) {
                        known *= l;
                    } else {
                        known = -1;
                    }
                }
                if (inferAxis >= 0) {
                    dims[inferAxis] = x != null && x.isStatic() && known > 0 ? (Object) (x.numElements() / known) : null;
                }
                return Shape.symbolic(dims);
            }
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL2" -> {
                if (x == null) {
                    return null;
                }
                long[] axes;
                if (attrs.containsKey("axes")) {
                    axes = attrs.get("axes").asLongs();
                } else {
                    Tensor a = constant(in, 1, constants);
                    axes = a == null ? (in.size() > 1 && in.get(1) != null ? null : all(x.rank())) : a.toLongs();
                }
                if (axes == null) {
                    return null;
                }
                if (axes.length == 0 && attrLong(attrs, "noop_with_empty_axes", 0) == 0) {
                    axes = all(x.rank());
                }
                boolean keep = attrLong(attrs, "keepdims", 1) != 0;
                List<Shape.Dim> d = new ArrayList<>();
                for (int i = 0; i < x.rank(); i++) {
                    if (contains(axes, i, x.rank())) {
                        if (keep) {
                            d.add(Shape.Dim.of(1));
                        }
                    } else {
                        d.add(x.dim(i));
                    }
                }
                return new Shape(d);
            }
            case "Resize" -> {
                if (x == null) {
                    return null;
                }
                Tensor sizes = constant(in, 3, constants);
                if (sizes != null) {
                    long[] s = sizes.toLongs();
                    return Shape.of(s);
                }
                Tensor scales = constant(in, 2, constants);
                if (scales != null && x.isStatic()) {
                    float[] f = scales.toFloats();
                    long[] s = new long[x.rank()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = (long) Math.floor(x.size(i) * f[i]);
                    }
                    return Shape.of(s);
                }
                if (scales != null) {
                    float[] f = scales.toFloats();
                    List<Shape.Dim> d = new ArrayList<>();
                    for (int i = 0; i < x.rank(); i++) {
                        d.add(f[i] == 1f ? x.dim(i) : x.dim(i).isStatic() ? Shape.Dim.of((long) Math.floor(x.size(i) * f[i])) : Shape.Dim.unknown());
                    }
                    return new Shape(d);
                }
                return null;
            }
            case "Concat" -> {
                if (x == null) {
                    return null;
                }
                int axis = (int) attrLong(attrs, "axis", 0);
                axis = axis < 0 ? axis + x.rank() : axis;
                long total = 0;
                for (Value v : in) {
                    if (v.shape() == null || !v.shape().dim(axis).isStatic()) {
                        total = -1;
                        break;
                    }
                    total += v.shape().size(axis);
                }
                List<Shape.Dim> d = new ArrayList<>(x.dims());
                d.set(axis, total >= 0 ? Shape.Dim.of(total) : Shape.Dim.unknown());
                return new Shape(d);
            }
            case "GlobalAveragePool", "GlobalMaxPool" -> {
                if (x == null) {
                    return null;
                }
                List<Shape.Dim> d = new ArrayList<>(x.dims().subList(0, 2));
                for (int i = 2; i < x.rank(); i++) {
                    d.add(Shape.Dim.of(1));
                }
                return new Shape(d);
            }
            case "Einsum" -> {
                return einsum(in, attrs);
            }
            case "Tile" -> {
                Tensor repeats = constant(in, 1, constants);
                if (x == null || repeats == null) {
                    return null;
                }
                long[] r = repeats.toLongs();
                List<Shape.Dim> d = new ArrayList<>();
                for (int i = 0; i < x.rank(); i++) {
                    d.add(x.dim(i).isStatic() ? Shape.Dim.of(x.size(i) * r[i]) : r[i] == 1 ? x.dim(i) : Shape.Dim.unknown());
                }
                return new Shape(d);
            }
            case "Upsample" -> {
                Tensor scales = constant(in, 1, constants);
                if (x == null || !x.isStatic() || scales == null) {
                    return null;
                }
                float[] f = scales.toFloats();
                long[] s = new long[x.rank()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (long) Math.floor(x.size(i) * f[i]);
                }
                return Shape.of(s);
            }
            case "Shape" -> {
                return x == null ? null : Shape.of(x.rank());
            }
            case "OneHot" -> {
                Tensor depth = constant(in, 1, constants);
                if (x == null || depth == null) {
                    return null;
                }
                List<Shape.Dim> d = new ArrayList<>(x.dims());
                d.add(Shape.Dim.of(depth.toLongs()[0]));
                return new Shape(d);
            }
            case "Expand" -> {
                Tensor target = constant(in, 1, constants);
                return target == null ? null : broadcast(x, Shape.of(target.toLongs()));
            }
            case "ConstantOfShape" -> {
                Tensor target = constant(in, 0, constants);
                return target == null ? null : Shape.of(target.toLongs());
            }
            case "Unsqueeze" -> {
                Tensor axesT = constant(in, 1, constants);
                long[] axes = axesT != null ? axesT.toLongs() : attrs.containsKey("axes") ? attrs.get("axes").asLongs() : null;
                if (x == null || axes == null) {
                    return null;
                }
                int rank = x.rank() + axes.length;
                List<Shape.Dim> d = new ArrayList<>();
                int src = 0;
                for (int i = 0; i < rank; i++) {
                    d.add(contains(axes, i, rank) ? Shape.Dim.of(1) : x.dim(src++));
                }
                return new Shape(d);
            }
            case "Squeeze" -> {
                Tensor axesT = constant(in, 1, constants);
                if (x == null || (axesT == null && in.size() > 1 && in.get(1) != null)) {
                    return null;
                }
                List<Shape.Dim> d = new ArrayList<>();
                for (int i = 0; i < x.rank(); i++) {
                    boolean squeezed = axesT == null ? x.dim(i).isStatic() && x.size(i) == 1 : contains(axesT.toLongs(), i, x.rank());
                    if (!squeezed) {
                        d.add(x.dim(i));
                    }
                }
                return new Shape(d);
            }
            case "Flatten" -> {
                if (x == null || !x.isStatic()) {
                    return null;
                }
                int axis = (int) attrLong(attrs, "axis", 1);
                axis = axis < 0 ? axis + x.rank() : axis;
                long outer = 1;
                for (int i = 0; i < axis; i++) {
                    outer *= x.size(i);
                }
                return Shape.of(outer, x.numElements() / outer);
            }
            case "Slice" -> {
                Tensor starts = constant(in, 1, constants);
                Tensor ends = constant(in, 2, constants);
                Tensor axesT = in.size() > 3 && in.get(3) != null ? constants.get(in.get(3).name()) : null;
                boolean unitSteps = in.size() <= 4 || in.get(4) == null;
                if (x == null || starts == null || ends == null || (in.size() > 3 && in.get(3) != null && axesT == null) || !unitSteps) {
                    return null;
                }
                long[] s = starts.toLongs();
                long[] e = ends.toLongs();
                long[] axes = axesT == null ? all(s.length) : axesT.toLongs();
                List<Shape.Dim> d = new ArrayList<>(x.dims());
                for (int i = 0; i < s.length; i++) {
                    int axis = (int) (axes[i] < 0 ? axes[i] + x.rank() : axes[i]);
                    long dim = x.size(axis);
                    if (dim < 0) {
                        d.set(axis, Shape.Dim.unknown());
                        continue;
                    }
                    long st = Math.max(0, Math.min(s[i] < 0 ? s[i] + dim : s[i], dim));
                    long en = Math.max(0, Math.min(e[i] < 0 ? e[i] + dim : e[i], dim));
                    d.set(axis, Shape.Dim.of(Math.max(0, en - st)));
                }
                return new Shape(d);
            }
            case "Pad" -> {
                Tensor pads = constant(in, 1, constants);
                if (x == null || pads == null || (in.size() > 3 && in.get(3) != null)) {
                    return null;
                }
                long[] p = pads.toLongs();
                List<Shape.Dim> d = new ArrayList<>();
                for (int i = 0; i < x.rank(); i++) {
                    d.add(x.dim(i).isStatic() ? Shape.Dim.of(x.size(i) + p[i] + p[i + x.rank()]) : Shape.Dim.unknown());
                }
                return new Shape(d);
            }
            case "ArgMin", "ArgMax" -> {
                if (x == null) {
                    return null;
                }
                int axis = (int) attrLong(attrs, "axis", 0);
                axis = axis < 0 ? axis + x.rank() : axis;
                List<Shape.Dim> d = new ArrayList<>(x.dims());
                if (attrLong(attrs, "keepdims", 1) != 0) {
                    d.set(axis, Shape.Dim.of(1));
                } else {
                    d.remove(axis);
                }
                return new Shape(d);
            }
            case "Gather" -> {
                Shape idx = in.get(1).shape();
                if (x == null || idx == null) {
                    return null;
                }
                int axis = (int) attrLong(attrs, "axis", 0);
                axis = axis < 0 ? axis + x.rank() : axis;
                List<Shape.Dim> d = new ArrayList<>(x.dims().subList(0, axis));
                d.addAll(idx.dims());
                d.addAll(x.dims().subList(axis + 1, x.rank()));
                return new Shape(d);
            }
            case "AveragePool", "MaxPool" -> {
                if (x == null || !attrs.containsKey("kernel_shape")) {
                    return null;
                }
                long[] k = attrs.get("kernel_shape").asLongs();
                long[] st = attrs.containsKey("strides") ? attrs.get("strides").asLongs() : ones(k.length);
                long[] p = attrs.containsKey("pads") ? attrs.get("pads").asLongs() : new long[2 * k.length];
                List<Shape.Dim> d = new ArrayList<>(x.dims().subList(0, 2));
                for (int i = 0; i < k.length; i++) {
                    long in0 = x.size(2 + i);
                    d.add(in0 < 0 ? Shape.Dim.unknown() : Shape.Dim.of((in0 + p[i] + p[i + k.length] - k[i]) / st[i] + 1));
                }
                return new Shape(d);
            }
            default -> {
                return null;
            }
        }
    }

    /** Output shape of an Einsum whose subscripts are letters, with at most one ellipsis per operand. */
    private static Shape einsum(List<Value> in, Map<String, Attribute> attrs) {
        String eq = attrs.get("equation").asString().replace(" ", "");
        int arrow = eq.indexOf("->");
        String[] ops = (arrow < 0 ? eq : eq.substring(0, arrow)).split(",", -1);
        java.util.Map<Character, Shape.Dim> dims = new java.util.HashMap<>();
        Shape ellipsis = null;
        for (int k = 0; k < ops.length; k++) {
            Shape s = in.get(k) == null ? null : in.get(k).shape();
            if (s == null) {
                return null;
            }
            String op = ops[k];
            int dots = op.indexOf("...");
            int letters = op.replace("...", "").length();
            int extra = s.rank() - letters;
            int axis = 0;
            for (int i = 0; i < op.length(); i++) {
                if (i == dots) {
                    Shape e = new Shape(s.dims().subList(axis, axis + extra));
                    ellipsis = ellipsis == null ? e : broadcast(ellipsis, e);
                    axis += extra;
                    i += 2;
                    continue;
                }
                Shape.Dim d = s.dim(axis++);
                Shape.Dim prev = dims.get(op.charAt(i));
                if (prev == null || (prev.isStatic() && prev.size() == 1) || !prev.isStatic()) {
                    dims.put(op.charAt(i), d);
                }
            }
        }
        String out;
        if (arrow >= 0) {
            out = eq.substring(arrow + 2);
        } else {
            String all = String.join("", ops).replace("...", "");
            StringBuilder sb = new StringBuilder(String.join("", ops).contains("...") ? "..." : "");
            all.chars().sorted().distinct().filter(ch -> all.indexOf(ch) == all.lastIndexOf(ch)).forEach(ch -> sb.append((char) ch));
            out = sb.toString();
        }
        List<Shape.Dim> d = new ArrayList<>();
        for (int i = 0; i < out.length(); i++) {
            if (out.startsWith("...", i)) {
                if (ellipsis == null) {
                    return null;
                }
                d.addAll(ellipsis.dims());
                i += 2;
            } else {
                Shape.Dim dim = dims.get(out.charAt(i));
                if (dim == null) {
                    return null;
                }
                d.add(dim);
            }
        }
        return new Shape(d);
    }

    static Shape broadcast(Shape a, Shape b) {
        if (a == null || b == null) {
            return null;
        }
        int rank = Math.max(a.rank(), b.rank());
        List<Shape.Dim> d = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Shape.Dim da = ia >= 0 ? a.dim(ia) : Shape.Dim.of(1);
            Shape.Dim db = ib >= 0 ? b.dim(ib) : Shape.Dim.of(1);
            if (da.isStatic() && da.size() == 1) {
                d.add(db);
            } else if (db.isStatic() && db.size() == 1) {
                d.add(da);
            } else if (da.equals(db)) {
                d.add(da);
            } else if (da.isStatic() && db.isStatic()) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            } else {
                d.add(da.isStatic() ? da : db.isStatic() ? db : da);
            }
        }
        return new Shape(d);
    }

    private static Shape conv(Shape x, Shape w, Map<String, Attribute> attrs, boolean transpose) {
        if (x == null || w == null) {
            return null;
        }
        int spatial = x.rank() - 2;
        long[] strides = attrs.containsKey("strides") ? attrs.get("strides").asLongs() : ones(spatial);
        long[] pads = attrs.containsKey("pads") ? attrs.get("pads").asLongs() : new long[2 * spatial];
        long[] dil = attrs.containsKey("dilations") ? attrs.get("dilations").asLongs() : ones(spatial);
        long group = attrLong(attrs, "group", 1);
        List<Shape.Dim> d = new ArrayList<>();
        d.add(x.dim(0));
        d.add(transpose ? (w.dim(1).isStatic() ? Shape.Dim.of(w.size(1) * group) : Shape.Dim.unknown()) : w.dim(0));
        for (int i = 0; i < spatial; i++) {
            long in = x.size(2 + i);
            long k = w.size(2 + i);
            if (in < 0 || k < 0) {
                d.add(Shape.Dim.unknown());
                continue;
            }
            long eff = dil[i] * (k - 1) + 1;
            long out;
            if (transpose) {
                long outPad = attrs.containsKey("output_padding") ? attrs.get("output_padding").asLongs()[i] : 0;
                out = strides[i] * (in - 1) + outPad + eff - pads[i] - pads[i + spatial];
            } else {
                out = (in + pads[i] + pads[i + spatial] - eff) / strides[i] + 1;
            }
            d.add(Shape.Dim.of(out));
        }
        return new Shape(d);
    }

    private static Tensor constant(List<Value> in, int i, Map<String, Tensor> constants) {
        return i < in.size() && in.get(i) != null ? constants.get(in.get(i).name()) : null;
    }

    private static long attrLong(Map<String, Attribute> attrs, String k, long fallback) {
        return attrs.containsKey(k) ? attrs.get(k).asLong() : fallback;
    }

    private static long[] ones(int n) {
        long[] o = new long[n];
        java.util.Arrays.fill(o, 1);
        return o;
    }

    private static long[] all(int n) {
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }

    private static long[] reversed(int n) {
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = n - 1 - i;
        }
        return o;
    }

    private static boolean contains(long[] axes, int axis, int rank) {
        for (long a : axes) {
            if ((a < 0 ? a + rank : a) == axis) {
                return true;
            }
        }
        return false;
    }
}
