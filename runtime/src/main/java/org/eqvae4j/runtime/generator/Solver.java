package org.eqvae4j.runtime.generator;

import java.util.Locale;
import org.eqvae4j.runtime.bundle.GeneratorSpec;

/** The ODE solver of a {@link FlowMatchingSampler}; model.json's generator section names it as {@link #id()}. */
public enum Solver {
    /** One model call per step, first order. */
    EULER(GeneratorSpec.EULER),
    /** Two model calls per step (Heun's trapezoidal predictor-corrector), second order. */
    HEUN(GeneratorSpec.HEUN);

    private final String id;

    Solver(String id) {
        this.id = id;
    }

    /** The name in model.json and on the command line ("euler", "heun"). */
    public String id() {
        return id;
    }

    /** Parses "euler" / "heun" (any case); the message names the accepted values. */
    public static Solver parse(String name) {
        String s = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Solver v : values()) {
            if (v.id.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "' (expected euler or heun)");
    }

    @Override
    public String toString() {
        return id;
    }
}
