package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.all;
import static org.eqvae4j.export.graph.ShapeInference.attrLong;
import static org.eqvae4j.export.graph.ShapeInference.broadcast;
import static org.eqvae4j.export.graph.ShapeInference.constant;
import static org.eqvae4j.export.graph.ShapeInference.contains;
import static org.eqvae4j.export.graph.ShapeInference.reversed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of ops that move or select values without arithmetic (Reshape, Transpose, Concat, Slice, Gather, ...). */
final class LayoutShapes {
    static final Set<String> OPS = Set.of(
            "Transpose",
            "Reshape",
            "Concat",
            "Tile",
            "Shape",
            "OneHot",
            "Expand",
            "ConstantOfShape",
            "Unsqueeze",
            "Squeeze",
            "Flatten",
            "Slice",
            "Pad",
            "Gather");

    private LayoutShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
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
                    if (t[i] == 0 && x == null) {
                        // 0 copies the input's size there, which is unknown
                        dims[i] = null;
                    } else if (t[i] == 0) {
                        dims[i] = x.dim(i).isStatic()
                                ? (Object) x.size(i)
                                : x.dim(i).symbol();
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
                    dims[inferAxis] =
                            x != null && x.isStatic() && known > 0 ? (Object) (x.numElements() / known) : null;
                }
                return Shape.symbolic(dims);
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
            case "Tile" -> {
                Tensor repeats = constant(in, 1, constants);
                if (x == null || repeats == null) {
                    return null;
                }
                long[] r = repeats.toLongs();
                List<Shape.Dim> d = new ArrayList<>();
                for (int i = 0; i < x.rank(); i++) {
                    d.add(
                            x.dim(i).isStatic()
                                    ? Shape.Dim.of(x.size(i) * r[i])
                                    : r[i] == 1 ? x.dim(i) : Shape.Dim.unknown());
                }
                return new Shape(d);
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
                long[] axes = axesT != null
                        ? axesT.toLongs()
                        : attrs.containsKey("axes") ? attrs.get("axes").asLongs() : null;
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
                    boolean squeezed = axesT == null
                            ? x.dim(i).isStatic() && x.size(i) == 1
                            : contains(axesT.toLongs(), i, x.rank());
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
                Tensor axesT = in.size() > 3 && in.get(3) != null
                        ? constants.get(in.get(3).name())
                        : null;
                boolean unitSteps = in.size() <= 4 || in.get(4) == null;
                if (x == null
                        || starts == null
                        || ends == null
                        || (in.size() > 3 && in.get(3) != null && axesT == null)
                        || !unitSteps) {
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
            default -> throw new IllegalArgumentException("not a LayoutShapes op: " + op);
        }
    }
}
