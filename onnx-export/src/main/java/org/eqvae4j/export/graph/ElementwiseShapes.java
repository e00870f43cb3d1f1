package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.broadcast;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of element-wise ops: unary ones keep their input's shape, the others broadcast their inputs. */
final class ElementwiseShapes {
    /** Ops whose output has their first input's shape. */
    private static final Set<String> SAME_SHAPE = Set.of(
            "Relu",
            "Sigmoid",
            "Tanh",
            "Exp",
            "Log",
            "Sqrt",
            "Abs",
            "Neg",
            "LeakyRelu",
            "Identity",
            "Softmax",
            "Clip",
            "Cast",
            "Erf",
            "Reciprocal",
            "LayerNormalization",
            "InstanceNormalization",
            "GroupNormalization",
            "BatchNormalization",
            "Dropout",
            "Floor",
            "Ceil",
            "Round",
            "Sign",
            "Elu",
            "Gelu",
            "Softplus",
            "IsNaN",
            "Not",
            "LogSoftmax",
            "ScatterND",
            "Cos",
            "Sin",
            "HardSigmoid",
            "HardSwish",
            "Mish",
            "ScatterElements");

    /** Ops whose output is their inputs' shapes broadcast together. */
    private static final Set<String> BROADCAST = Set.of(
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Pow",
            "Max",
            "Min",
            "Equal",
            "Greater",
            "Less",
            "Where",
            "And",
            "Or",
            "GreaterOrEqual",
            "LessOrEqual",
            "Sum",
            "Mean");

    static final Set<String> OPS = union(SAME_SHAPE, BROADCAST);

    private ElementwiseShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        if (SAME_SHAPE.contains(op)) {
            return x;
        }
        if (!BROADCAST.contains(op)) {
            throw new IllegalArgumentException("not a ElementwiseShapes op: " + op);
        }
        Shape s = x;
        for (int i = 1; i < in.size() && s != null; i++) {
            s = broadcast(s, in.get(i) == null ? null : in.get(i).shape());
        }
        return s;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }
}
