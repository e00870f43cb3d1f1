package org.eqvae4j.export.autodiff;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Gradient rules by ONNX op type (default domain). */
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
        return r;
    }

    /**
     * The standard rules with ONNX Runtime's fused training kernels where they exist on both CPU and
     * CUDA (com.microsoft ConvGrad): several times faster than the portable Conv rule, but only loadable
     * by a training-enabled ONNX Runtime. Use for training artifacts, not for graphs run elsewhere.
     */
    public static GradientRules onnxRuntimeTraining() {
        GradientRules r = standard();
        LinearRules.registerFusedConv(r);
        return r;
    }

    public void put(String opType, GradientRule rule) {
        rules.put(opType, rule);
    }

    public GradientRule get(String opType) {
        return rules.get(opType);
    }

    public List<String> opTypes() {
        return Collections.unmodifiableList(List.copyOf(rules.keySet()));
    }
}
