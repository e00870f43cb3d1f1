package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.ones;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of AveragePool, MaxPool and the global pools. */
final class PoolingShapes {
    static final Set<String> OPS = Set.of("GlobalAveragePool", "GlobalMaxPool", "AveragePool", "MaxPool");

    private PoolingShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
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
                    d.add(
                            in0 < 0
                                    ? Shape.Dim.unknown()
                                    : Shape.Dim.of((in0 + p[i] + p[i + k.length] - k[i]) / st[i] + 1));
                }
                return new Shape(d);
            }
            default -> throw new IllegalArgumentException("not a PoolingShapes op: " + op);
        }
    }
}
