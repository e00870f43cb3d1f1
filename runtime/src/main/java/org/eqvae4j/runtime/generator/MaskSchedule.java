package org.eqvae4j.runtime.generator;

import java.util.Locale;

/**
 * MaskGIT's masking schedule gamma: the fraction of tokens masked at progress r in [0, 1], decreasing from
 * gamma(0) = 1 (all masked) to gamma(1) = 0. Training masks {@code ceil(gamma(r) L)} of L tokens (at least
 * one) for r ~ U(0, 1); decoding step t of T leaves {@code floor(gamma((t + 1) / T) L)} masked. One definition
 * for the trainer and the sampler.
 */
public enum MaskSchedule {
    /** gamma(r) = arccos(r) / (pi / 2): masks more at every r than the cosine schedule (MaskGIT-pytorch "arccos"). */
    ARCCOS,
    /** gamma(r) = cos(pi r / 2), the MaskGIT paper's choice. */
    COSINE,
    /** gamma(r) = 1 - r. */
    LINEAR;

    /** gamma(r); r is clamped to [0, 1]. */
    public double maskedFraction(double r) {
        double x = Math.max(0, Math.min(1, r));
        return switch (this) {
            case ARCCOS -> Math.acos(x) / (Math.PI / 2);
            case COSINE -> Math.cos(Math.PI / 2 * x);
            case LINEAR -> 1 - x;
        };
    }

    /** Tokens masked in training for progress r: {@code ceil(gamma(r) L)}, between 1 and L. */
    public int maskedForTraining(double r, int tokens) {
        return Math.max(1, Math.min(tokens, (int) Math.ceil(maskedFraction(r) * tokens)));
    }

    /** Tokens still masked after decoding step {@code step} (0-based) of {@code steps}: 0 after the last. */
    public int maskedAfterStep(int step, int steps, int tokens) {
        if (steps < 1 || step < 0 || step >= steps) {
            throw new IllegalArgumentException("step " + step + " is not one of " + steps + " decoding steps");
        }
        return step == steps - 1 ? 0 : (int) Math.floor(maskedFraction((step + 1.0) / steps) * tokens);
    }

    public static MaskSchedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown masking schedule '" + s + "' (expected arccos, cosine or linear)");
        }
    }
}
