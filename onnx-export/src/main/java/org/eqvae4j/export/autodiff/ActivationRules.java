package org.eqvae4j.export.autodiff;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * The activations torch.onnx exports as single ops (Softplus, Gelu, HardSigmoid, HardSwish, Mish),
 * the variadic element-wise ops (Min, Max, Sum, Mean) and training-mode Dropout.
 */
final class ActivationRules {
    private static final String MICROSOFT = "com.microsoft";

    private ActivationRules() {}

    static void register(GradientRules r) {
        r.put(
                "Softplus",
                (n, c) -> c.accumulate(
                        n.input(0), c.builder().mul(dy(n, c), c.builder().sigmoid(n.input(0)))));
        r.put("Gelu", (n, c) -> gelu(n, c, n.attrString("approximate", "none")));
        r.put(GradientRules.key(MICROSOFT, "Gelu"), (n, c) -> gelu(n, c, "none"));
        r.put("HardSigmoid", ActivationRules::hardSigmoid);
        r.put("HardSwish", ActivationRules::hardSwish);
        r.put("Mish", ActivationRules::mish);
        r.put("Max", ActivationRules::selectExtreme);
        r.put("Min", ActivationRules::selectExtreme);
        r.put("Sum", (n, c) -> n.inputs().forEach(x -> c.accumulate(x, c.unbroadcast(dy(n, c), x, n))));
        r.put("Mean", (n, c) -> {
            Value g = c.builder().div(dy(n, c), c.builder().scalar(n.inputs().size()));
            n.inputs().forEach(x -> c.accumulate(x, c.unbroadcast(g, x, n)));
        });
        r.put("Dropout", ActivationRules::dropout);
    }

    private static Value dy(Node n, GradientContext c) {
        return c.gradOf(n.output(0));
    }

    /**
     * Exact Gelu: d/dx x Phi(x) = Phi(x) + x phi(x). Tanh form y = x/2 (1 + t), t = tanh(u),
     * u = sqrt(2/pi) (x + 0.044715 x^3): y' = (1 + t)/2 + x/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2).
     */
    private static void gelu(Node n, GradientContext c, String approximate) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value d;
        if (approximate.equals("tanh")) {
            float k = (float) Math.sqrt(2 / Math.PI);
            Value x2 = b.mul(x, x);
            Value u = b.mul(b.scalar(k), b.add(x, b.mul(b.scalar(0.044715f), b.mul(x2, x))));
            Value t = b.tanh(u);
            Value du = b.mul(b.scalar(k), b.add(b.scalar(1f), b.mul(b.scalar(3 * 0.044715f), x2)));
            Value half = b.scalar(0.5f);
            d = b.add(
                    b.mul(half, b.add(b.scalar(1f), t)),
                    b.mul(b.mul(half, x), b.mul(b.sub(b.scalar(1f), b.mul(t, t)), du)));
        } else if (approximate.equals("none")) {
            Value cdf = b.mul(b.scalar(0.5f), b.add(b.scalar(1f), b.op("Erf", b.mul(x, b.scalar((float)
                    (1 / Math.sqrt(2)))))));
            Value pdf =
                    b.mul(b.scalar((float) (1 / Math.sqrt(2 * Math.PI))), b.exp(b.mul(b.mul(x, x), b.scalar(-0.5f))));
            d = b.add(cdf, b.mul(x, pdf));
        } else {
            throw new UnsupportedOpException(n.describe() + ": no gradient for Gelu approximate='" + approximate + "'");
        }
        c.accumulate(x, b.mul(dy(n, c), d));
    }

    /** y = max(0, min(1, alpha x + beta)): slope alpha strictly inside (0, 1), zero outside. */
    private static void hardSigmoid(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        float alpha = n.attrFloat("alpha", 0.2f);
        float beta = n.attrFloat("beta", 0.5f);
        Value x = n.input(0);
        Value z = b.add(b.mul(x, b.scalar(alpha)), b.scalar(beta));
        Value inside = b.op("And", b.op("Greater", z, b.scalar(0f)), b.op("Less", z, b.scalar(1f)));
        c.accumulate(x, b.op("Where", inside, b.mul(dy(n, c), b.scalar(alpha)), b.scalar(0f)));
    }

    /** y = x hardsigmoid(x) with alpha 1/6, beta 1/2: x/3 + 1/2 on (-3, 3), 1 above, 0 below (PyTorch's convention at the kinks). */
    private static void hardSwish(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value g = dy(n, c);
        Value middle = b.mul(g, b.add(b.div(x, b.scalar(3f)), b.scalar(0.5f)));
        Value upper = b.op("Where", b.op("GreaterOrEqual", x, b.scalar(3f)), g, middle);
        c.accumulate(x, b.op("Where", b.op("LessOrEqual", x, b.scalar(-3f)), b.scalar(0f), upper));
    }

    /** y = x tanh(softplus(x)): y' = tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x). */
    private static void mish(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value t = b.tanh(b.op("Softplus", x));
        Value d = b.add(t, b.mul(x, b.mul(b.sub(b.scalar(1f), b.mul(t, t)), b.sigmoid(x))));
        c.accumulate(x, b.mul(dy(n, c), d));
    }

    /** Max / Min: the gradient goes to the input(s) equal to the result (ties have measure zero in float data). */
    private static void selectExtreme(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value y = n.output(0);
        for (Value x : n.inputs()) {
            if (c.needs(x)) {
                Value picked = b.op("Where", b.op("Equal", x, y), dy(n, c), b.scalar(0f));
                c.accumulate(x, c.unbroadcast(picked, x, n));
            }
        }
    }

    /**
     * Dropout: identity unless training_mode is a true input; then y = x * mask / (1 - ratio), so the
     * gradient is dy * mask / (1 - ratio) with the node's own mask output (the same draw as the forward).
     */
    private static void dropout(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value modeInput = n.input(2);
        boolean training = false;
        if (modeInput != null) {
            Tensor mode = c.constant(modeInput);
            if (mode == null) {
                throw new UnsupportedOpException(n.describe() + ": gradient needs a constant training_mode input");
            }
            training = mode.toLongs()[0] != 0;
        }
        if (!training) {
            c.accumulate(x, dy(n, c));
            return;
        }
        if (n.outputs().size() < 2 || n.output(1).name().isEmpty()) {
            throw new UnsupportedOpException(
                    n.describe() + ": training-mode Dropout needs its mask output for the gradient");
        }
        Value ratio = n.input(1) != null ? n.input(1) : b.scalar(0.5f);
        Value scale = b.div(b.scalar(1f), b.sub(b.scalar(1f), ratio));
        Value mask = b.op(
                "Cast",
                List.of(n.output(1)),
                Map.of("to", x.dtype() == null ? 1 : x.dtype().onnxCode()));
        c.accumulate(x, b.mul(b.mul(dy(n, c), mask), scale));
    }
}
