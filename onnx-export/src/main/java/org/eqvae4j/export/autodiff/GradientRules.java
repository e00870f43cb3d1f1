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
