package org.eqvae4j.export.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Static output shapes for the ops the architectures use, so that a built graph carries dtype and
 * shape on every value. Returns null where the shape is not derivable from static information; ONNX
 * Runtime infers those at load time. The rules live by op family, as the gradient rules do:
 * {@link ElementwiseShapes}, {@link LinearShapes}, {@link LayoutShapes}, {@link ReductionShapes},
 * {@link ResizeShapes}, {@link PoolingShapes}; this class dispatches and holds what they share.
 */
final class ShapeInference {
    private ShapeInference() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        if (ElementwiseShapes.OPS.contains(op)) {
            return ElementwiseShapes.infer(op, in, attrs, constants);
        }
        if (LinearShapes.OPS.contains(op)) {
            return LinearShapes.infer(op, in, attrs, constants);
        }
        if (LayoutShapes.OPS.contains(op)) {
            return LayoutShapes.infer(op, in, attrs, constants);
        }
        if (ReductionShapes.OPS.contains(op)) {
            return ReductionShapes.infer(op, in, attrs, constants);
        }
        if (ResizeShapes.OPS.contains(op)) {
            return ResizeShapes.infer(op, in, attrs, constants);
        }
        if (PoolingShapes.OPS.contains(op)) {
            return PoolingShapes.infer(op, in, attrs, constants);
        }
        return null;
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

    static Tensor constant(List<Value> in, int i, Map<String, Tensor> constants) {
        return i < in.size() && in.get(i) != null ? constants.get(in.get(i).name()) : null;
    }

    static long attrLong(Map<String, Attribute> attrs, String k, long fallback) {
        return attrs.containsKey(k) ? attrs.get(k).asLong() : fallback;
    }

    static long[] ones(int n) {
        long[] o = new long[n];
        java.util.Arrays.fill(o, 1);
        return o;
    }

    static long[] all(int n) {
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }

    static long[] reversed(int n) {
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = n - 1 - i;
        }
        return o;
    }

    static boolean contains(long[] axes, int axis, int rank) {
        for (long a : axes) {
            if ((a < 0 ? a + rank : a) == axis) {
                return true;
            }
        }
        return false;
    }
}
