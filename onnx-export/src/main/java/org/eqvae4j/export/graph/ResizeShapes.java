package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.constant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of Resize and the old Upsample, from constant sizes or scales. */
final class ResizeShapes {
    static final Set<String> OPS = Set.of("Resize", "Upsample");

    private ResizeShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
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
                        d.add(
                                f[i] == 1f
                                        ? x.dim(i)
                                        : x.dim(i).isStatic()
                                                ? Shape.Dim.of((long) Math.floor(x.size(i) * f[i]))
                                                : Shape.Dim.unknown());
                    }
                    return new Shape(d);
                }
                return null;
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
            default -> throw new IllegalArgumentException("not a ResizeShapes op: " + op);
        }
    }
}
