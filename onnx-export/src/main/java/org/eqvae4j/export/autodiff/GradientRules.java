package org.eqvae4j.export.autodiff;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eqvae4j.export.graph.Node;

/** Gradient rules by ONNX op type: {@code "Conv"} for the default domain, {@code "com.microsoft:Gelu"} for others. */
public final class GradientRules {
    private final Map<String, GradientRule> rules = new TreeMap<>();

    /** Every rule this project has, each proven against finite differences in the tests. */
    public static GradientRules standard() {
        GradientRules r = new GradientRules();
        ElementwiseRules.register(r);
        LinearRules.register(r);
        ShapeRules.register(r);
        ReductionRules.register(r);
        NormalizationRules.register(r);
        ResizeRules.register(r);
        PoolingRules.register(r);
        ActivationRules.register(r);
        return r;
    }

    /**
     * The standard rules with ONNX Runtime's fused training kernels where they exist on both CPU and
     * CUDA (com.microsoft ConvGrad for weight gradients, ReluGrad): several times faster than the portable
     * Conv rule, but only loadable by a training-enabled ONNX Runtime. Use for training artifacts, not for
     * graphs run elsewhere.
     */
    public static GradientRules onnxRuntimeTraining() {
        GradientRules r = standard();
        LinearRules.registerFusedConv(r);
        ElementwiseRules.registerFusedRelu(r);
        return r;
    }

    public void put(String opType, GradientRule rule) {
        rules.put(opType, rule);
    }

    public GradientRule get(String opType) {
        return rules.get(opType);
    }

    /** The rule for a node's op in its domain, or null. */
    public GradientRule get(Node node) {
        return rules.get(key(node.domain(), node.opType()));
    }

    /** How a rule is registered: the op type alone in the default domain, {@code domain:opType} otherwise. */
    public static String key(String domain, String opType) {
        return domain == null || domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + ":" + opType;
    }

    public List<String> opTypes() {
        return Collections.unmodifiableList(List.copyOf(rules.keySet()));
    }
}
