package org.eqvae4j.export.graph;

import static org.eqvae4j.export.graph.ShapeInference.broadcast;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Static output shapes of element-wise ops: unary ones keep their input's shape, the others broadcast their inputs. */
final class ElementwiseShapes {
    static final Set<String> OPS = Set.of(
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
            "ScatterElements",
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

    private ElementwiseShapes() {}

    static Shape infer(String op, List<Value> in, Map<String, Attribute> attrs, Map<String, Tensor> constants) {
        Shape x = in.isEmpty() || in.get(0) == null ? null : in.get(0).shape();
        switch (op) {
            case "Relu",
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
                    "ScatterElements" -> {
                return x;
            }
            case "Add",
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
                    "Mean" -> {
                Shape s = x;
                for (int i = 1; i < in.size() && s != null; i++) {
                    s = broadcast(s, in.get(i) == null ? null : in.get(i).shape());
                }
                return s;
            }
            default -> throw new IllegalArgumentException("not a ElementwiseShapes op: " + op);
        }
    }
}
