package org.eqvae4j.export.autodiff;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * Reverse-mode differentiation of a graph: appends, for a scalar loss, the nodes that compute its
 * gradient with respect to chosen parameters (or inputs). The result keeps the forward graph's
 * outputs (loss first) and adds one output {@code <name>_grad} per requested value, the form ONNX
 * Runtime's training artifacts expect.
 */
public final class Autodiff {
    public static final String GRAD_SUFFIX = "_grad";

    /** The naming scope of every node the backward pass adds: {@code grad/<forward node>/...}. */
    public static final String GRAD_SCOPE = "grad";

    private final GradientRules rules;

    public Autodiff(GradientRules rules) {
        this.rules = rules;
    }

    public static Autodiff standard() {
        return new Autodiff(GradientRules.standard());
    }

    /** Gradients for ONNX Runtime training sessions (fused kernels; see {@link GradientRules#onnxRuntimeTraining()}). */
    public static Autodiff forOnnxRuntimeTraining() {
        return new Autodiff(GradientRules.onnxRuntimeTraining());
    }

    /**
     * @param lossName name of a graph output holding one float (shape [] or [1])
     * @param wrt      parameter or input names to differentiate with respect to, in output order
     */
    public Graph gradients(Graph forward, String lossName, List<String> wrt) {
        GraphBuilder b = GraphBuilder.from(forward);
        Value loss = b.value(lossName);
        if (loss == null) {
            throw new IllegalArgumentException(
                    "graph '" + forward.name() + "' has no value '" + lossName + "' to differentiate");
        }
        List<Value> wrtValues = new ArrayList<>();
        for (String w : wrt) {
            Value v = b.value(w);
            if (v == null) {
                throw new IllegalArgumentException("cannot differentiate with respect to '" + w + "': graph '"
                        + forward.name() + "' has no such value");
            }
            wrtValues.add(v);
        }
        List<Value> grads = gradientsIn(b, loss, wrtValues);
        for (Value out : forward.outputs()) {
            b.output(b.value(out.name()), out.name());
        }
        for (int i = 0; i < wrt.size(); i++) {
            b.output(grads.get(i), wrt.get(i) + GRAD_SUFFIX);
        }
        return b.build();
    }

    /**
     * Appends to a graph under construction the nodes that compute d loss / d wrt, and returns those
     * gradients (same order) without declaring outputs: a graph can compute gradients of a partial loss
     * as ordinary values (e.g. LDM's adaptive GAN weight). Values behind a {@link GraphBuilder#stopGradient}
     * mark count as constants.
     *
     * @param loss a single float value built by {@code b}
     * @param wrt  values of {@code b} (parameters, inputs or computed values)
     */
    public List<Value> gradientsIn(GraphBuilder b, Value loss, List<Value> wrt) {
        if (!GradientContext.differentiable(loss)
                || loss.shape() == null
                || !loss.shape().isStatic()
                || loss.shape().numElements() != 1) {
            throw new IllegalArgumentException("loss '" + loss.name() + "' must be a single float value, got " + loss);
        }
        Set<String> wrtNames = new LinkedHashSet<>();
        for (Value v : wrt) {
            if (!GradientContext.differentiable(v)) {
                throw new IllegalArgumentException("cannot differentiate with respect to '" + v.name() + "': it is "
                        + v.dtype() + ", not floating point");
            }
            wrtNames.add(v.name());
        }
        List<Node> nodes = new ArrayList<>(b.nodes());
        Set<String> needed = onPath(nodes, wrtNames, loss.name());
        requireRules(nodes, needed, loss.name());
        GradientContext ctx = new GradientContext(b, needed);
        ctx.seed(loss, b.constant(Tensor.ofFloats("loss_grad_seed", loss.shape().toArray(), 1f)));

        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (GraphBuilder.isStopGradient(n)) {
                continue;
            }
            boolean hasOutputGrad = n.outputs().stream().anyMatch(o -> ctx.gradOf(o) != null);
            boolean wantsInputGrad = n.inputs().stream().anyMatch(ctx::needs);
            if (!hasOutputGrad || !wantsInputGrad) {
                continue;
            }
            GradientRule rule = rules.get(n);
            if (rule == null) {
                throw new UnsupportedOpException("no gradient rule for " + n.describe() + " (ops with rules: "
                        + String.join(", ", rules.opTypes()) + ")");
            }
            try (var s = b.scope(GRAD_SCOPE + "/" + n.name())) {
                rule.backward(n, ctx);
            }
        }

        List<Value> result = new ArrayList<>();
        for (Value v : wrt) {
            Value g = ctx.gradOf(v);
            if (g == null) {
                // the value does not influence the loss: its gradient is exactly zero
                g = v.shape() != null && v.shape().isStatic()
                        ? b.constant(Tensor.ofFloats(
                                "zero_grad",
                                v.shape().toArray(),
                                new float[Math.toIntExact(v.shape().numElements())]))
                        : ctx.zerosLike(v);
            }
            result.add(g);
        }
        return result;
    }

    /** Names every op on the differentiated path that has no rule, before any gradient is built. */
    private void requireRules(List<Node> nodes, Set<String> needed, String lossName) {
        List<String> missing =
                uncovered(nodes, needed, lossName).stream().map(Node::describe).toList();
        if (!missing.isEmpty()) {
            throw new UnsupportedOpException("no gradient rule for " + String.join(", ", missing) + " (ops with rules: "
                    + String.join(", ", rules.opTypes()) + ")");
        }
    }

    private List<Node> uncovered(List<Node> nodes, Set<String> needed, String lossName) {
        List<Node> missing = new ArrayList<>();
        for (Node n : nodes) {
            boolean onPath = !GraphBuilder.isStopGradient(n)
                    && n.inputs().stream().anyMatch(v -> v != null && needed.contains(v.name()))
                    && n.outputs().stream()
                            .anyMatch(o -> needed.contains(o.name()) || o.name().equals(lossName));
            if (onPath && rules.get(n) == null) {
                missing.add(n);
            }
        }
        return missing;
    }

    /**
     * The nodes on the gradient path from {@code wrt} to {@code lossName} whose op has no rule, in graph
     * order; empty when {@link #gradients} would find a rule for every node. Builds nothing. Integer,
     * boolean and shape computations are not on the path (gradients flow along float values only).
     */
    public List<Node> missingRules(Graph forward, String lossName, List<String> wrt) {
        if (forward.nodes().stream()
                        .noneMatch(
                                n -> n.outputs().stream().anyMatch(o -> o.name().equals(lossName)))
                && forward.inputs().stream().noneMatch(v -> v.name().equals(lossName))) {
            throw new IllegalArgumentException(
                    "graph '" + forward.name() + "' has no value '" + lossName + "' to differentiate");
        }
        List<Node> nodes = GraphBuilder.from(forward).nodes();
        return uncovered(nodes, onPath(nodes, new LinkedHashSet<>(wrt), lossName), lossName);
    }

    /** Float values that depend on some {@code wrt} value (not through a stop-gradient mark) and that the loss depends on. */
    private static Set<String> onPath(List<Node> nodes, Set<String> wrt, String loss) {
        Set<String> fromWrt = new HashSet<>(wrt);
        for (Node n : nodes) {
            if (GraphBuilder.isStopGradient(n)) {
                continue; // its output is a constant for differentiation
            }
            boolean depends = n.inputs().stream().anyMatch(v -> v != null && fromWrt.contains(v.name()));
            if (depends) {
                for (Value o : n.outputs()) {
                    if (GradientContext.differentiable(o)) {
                        fromWrt.add(o.name());
                    }
                }
            }
        }
        Set<String> toLoss = new LinkedHashSet<>();
        toLoss.add(loss);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (!GraphBuilder.isStopGradient(n) && n.outputs().stream().anyMatch(o -> toLoss.contains(o.name()))) {
                for (Value v : n.inputs()) {
                    if (v != null) {
                        toLoss.add(v.name());
                    }
                }
            }
        }
        fromWrt.retainAll(toLoss);
        return fromWrt;
    }
}
