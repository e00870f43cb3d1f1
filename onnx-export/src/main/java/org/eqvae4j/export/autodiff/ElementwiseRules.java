package org.eqvae4j.export.autodiff;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Value;

/** Unary and broadcasting binary element-wise ops. */
final class ElementwiseRules {
    private ElementwiseRules() {}

    /**
     * Relu's gradient as ONNX Runtime's fused com.microsoft ReluGrad(dY, Y) (CPU and CUDA training kernels): one
     * pass instead of Greater + Where, and it reads the output, so the pre-activation need not be kept for the
     * backward pass (Y > 0 exactly where X > 0).
     */
    static void registerFusedRelu(GradientRules r) {
        r.put("Relu", (n, c) -> {
            GraphBuilder b = c.builder();
            b.useOpset("com.microsoft", 1);
            c.accumulate(
                    n.input(0),
                    b.op("com.microsoft", "ReluGrad", List.of(dy(n, c), n.output(0)), Map.of(), 1)
                            .get(0));
        });
    }

    static void register(GradientRules r) {
        r.put("Identity", (n, c) -> c.accumulate(n.input(0), dy(n, c)));
        r.put("Neg", (n, c) -> c.accumulate(n.input(0), c.builder().op("Neg", dy(n, c))));
        r.put("Relu", (n, c) -> {
            GraphBuilder b = c.builder();
            c.accumulate(n.input(0), where(b, b.op("Greater", n.input(0), b.scalar(0f)), dy(n, c), b.scalar(0f)));
        });
        r.put("LeakyRelu", (n, c) -> {
            GraphBuilder b = c.builder();
            Value g = dy(n, c);
            float alpha = n.attrFloat("alpha", 0.01f);
            c.accumulate(n.input(0), where(b, b.op("Greater", n.input(0), b.scalar(0f)), g, b.mul(g, b.scalar(alpha))));
        });
        r.put("Sigmoid", (n, c) -> {
            GraphBuilder b = c.builder();
            Value y = n.output(0);
            c.accumulate(n.input(0), b.mul(dy(n, c), b.mul(y, b.sub(b.scalar(1f), y))));
        });
        r.put("Tanh", (n, c) -> {
            GraphBuilder b = c.builder();
            Value y = n.output(0);
            c.accumulate(n.input(0), b.mul(dy(n, c), b.sub(b.scalar(1f), b.mul(y, y))));
        });
        r.put("Exp", (n, c) -> c.accumulate(n.input(0), c.builder().mul(dy(n, c), n.output(0))));
        r.put("Log", (n, c) -> c.accumulate(n.input(0), c.builder().div(dy(n, c), n.input(0))));
        r.put("Sqrt", (n, c) -> {
            GraphBuilder b = c.builder();
            c.accumulate(n.input(0), b.div(dy(n, c), b.mul(n.output(0), b.scalar(2f))));
        });
        r.put("Reciprocal", (n, c) -> {
            GraphBuilder b = c.builder();
            Value y = n.output(0);
            c.accumulate(n.input(0), b.op("Neg", b.mul(dy(n, c), b.mul(y, y))));
        });
        r.put(
                "Abs",
                (n, c) -> c.accumulate(
                        n.input(0), c.builder().mul(dy(n, c), c.builder().op("Sign", n.input(0)))));
        r.put("Erf", (n, c) -> {
            // d/dx erf(x) = 2/sqrt(pi) * exp(-x^2)
            GraphBuilder b = c.builder();
            Value x = n.input(0);
            Value d = b.mul(b.scalar((float) (2 / Math.sqrt(Math.PI))), b.exp(b.op("Neg", b.mul(x, x))));
            c.accumulate(x, b.mul(dy(n, c), d));
        });
        r.put("Clip", (n, c) -> {
            // gradient passes where min <= x <= max (PyTorch's clamp convention at the bounds)
            GraphBuilder b = c.builder();
            Value x = n.input(0);
            Value pass = null;
            if (n.input(1) != null) {
                pass = b.op("GreaterOrEqual", x, n.input(1));
            }
            if (n.input(2) != null) {
                Value upper = b.op("LessOrEqual", x, n.input(2));
                pass = pass == null ? upper : b.op("And", pass, upper);
            }
            c.accumulate(x, pass == null ? dy(n, c) : where(b, pass, dy(n, c), b.scalar(0f)));
        });
        r.put("Softmax", (n, c) -> {
            GraphBuilder b = c.builder();
            Value y = n.output(0);
            Value g = dy(n, c);
            long axis = n.attrLong("axis", -1);
            Value dot = b.reduceSum(b.mul(g, y), true, axis);
            c.accumulate(n.input(0), b.mul(y, b.sub(g, dot)));
        });
        r.put("LogSoftmax", (n, c) -> {
            GraphBuilder b = c.builder();
            Value g = dy(n, c);
            long axis = n.attrLong("axis", -1);
            c.accumulate(n.input(0), b.sub(g, b.mul(b.exp(n.output(0)), b.reduceSum(g, true, axis))));
        });
        r.put("Cast", (n, c) -> {
            Value x = n.input(0);
            if (GradientContext.differentiable(x)) {
                c.accumulate(
                        x,
                        c.builder()
                                .op(
                                        "Cast",
                                        List.of(dy(n, c)),
                                        Map.of("to", x.dtype().onnxCode())));
            }
        });

        r.put("Add", (n, c) -> {
            c.accumulate(n.input(0), c.unbroadcast(dy(n, c), n.input(0), n));
            c.accumulate(n.input(1), c.unbroadcast(dy(n, c), n.input(1), n));
        });
        r.put("Sub", (n, c) -> {
            c.accumulate(n.input(0), c.unbroadcast(dy(n, c), n.input(0), n));
            if (c.needs(n.input(1))) {
                c.accumulate(n.input(1), c.unbroadcast(c.builder().op("Neg", dy(n, c)), n.input(1), n));
            }
        });
        r.put("Mul", (n, c) -> {
            GraphBuilder b = c.builder();
            if (c.needs(n.input(0))) {
                c.accumulate(n.input(0), c.unbroadcast(b.mul(dy(n, c), n.input(1)), n.input(0), n));
            }
            if (c.needs(n.input(1))) {
                c.accumulate(n.input(1), c.unbroadcast(b.mul(dy(n, c), n.input(0)), n.input(1), n));
            }
        });
        r.put("Div", (n, c) -> {
            GraphBuilder b = c.builder();
            Value a = n.input(0);
            Value d = n.input(1);
            if (c.needs(a)) {
                c.accumulate(a, c.unbroadcast(b.div(dy(n, c), d), a, n));
            }
            if (c.needs(d)) {
                // d(a/d)/dd = -y/d
                c.accumulate(d, c.unbroadcast(b.op("Neg", b.div(b.mul(dy(n, c), n.output(0)), d)), d, n));
            }
        });
        r.put("Pow", (n, c) -> {
            GraphBuilder b = c.builder();
            Value x = n.input(0);
            Value e = n.input(1);
            if (c.needs(x)) {
                Value d = b.mul(e, b.op("Pow", x, b.sub(e, b.scalar(1f))));
                c.accumulate(x, c.unbroadcast(b.mul(dy(n, c), d), x, n));
            }
            if (c.needs(e)) {
                c.accumulate(e, c.unbroadcast(b.mul(dy(n, c), b.mul(n.output(0), b.op("Log", x))), e, n));
            }
        });
        r.put("Where", (n, c) -> {
            GraphBuilder b = c.builder();
            Value cond = n.input(0);
            if (c.needs(n.input(1))) {
                c.accumulate(n.input(1), c.unbroadcast(where(b, cond, dy(n, c), b.scalar(0f)), n.input(1), n));
            }
            if (c.needs(n.input(2))) {
                c.accumulate(n.input(2), c.unbroadcast(where(b, cond, b.scalar(0f), dy(n, c)), n.input(2), n));
            }
        });
    }

    static Value dy(Node n, GradientContext c) {
        return c.gradOf(n.output(0));
    }

    static Value where(GraphBuilder b, Value cond, Value a, Value other) {
        return b.op("Where", cond, a, other);
    }
}
