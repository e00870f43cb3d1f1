package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.all;
import static org.eqvae4j.export.graph.ShapeInference.attrLong;
import static org.eqvae4j.export.graph.ShapeInference.constant;
import static org.eqvae4j.export.graph.ShapeInference.contains;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of Reduce* over axes given as attribute or input, ArgMin and ArgMax. */
final class ReductionShapes {
    static final Set<String> OPS = Set.of(
            "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL2", "ArgMin", "ArgMax");

    private ReductionShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
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
            default -> throw new IllegalArgumentException("not a ReductionShapes op: " + op);
        }
    }
}
