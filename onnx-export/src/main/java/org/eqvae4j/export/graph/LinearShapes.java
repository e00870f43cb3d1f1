package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.attrLong;
import static org.eqvae4j.export.graph.ShapeInference.broadcast;
import static org.eqvae4j.export.graph.ShapeInference.ones;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of Conv, ConvTranspose, MatMul, Gemm and Einsum. */
final class LinearShapes {
    static final Set<String> OPS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm", "Einsum");

    private LinearShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
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
                Shape batch = broadcast(
                        new Shape(x.dims().subList(0, x.rank() - 2)),
                        new Shape(b.dims().subList(0, b.rank() - 2)));
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
            case "Einsum" -> {
                return einsum(in, attrs);
            }
            default -> throw new IllegalArgumentException("not a LinearShapes op: " + op);
        }
    }

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
            all.chars()
                    .sorted()
                    .distinct()
                    .filter(ch -> all.indexOf(ch) == all.lastIndexOf(ch))
                    .forEach(ch -> sb.append((char) ch));
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
                long outPad = attrs.containsKey("output_padding")
                        ? attrs.get("output_padding").asLongs()[i]
                        : 0;
                out = strides[i] * (in - 1) + outPad + eff - pads[i] - pads[i + spatial];
            } else {
                out = (in + pads[i] + pads[i + spatial] - eff) / strides[i] + 1;
            }
            d.add(Shape.Dim.of(out));
        }
        return new Shape(d);
    }
}
