package org.eqvae4j.export.loss;

import java.util.Locale;

/** The losses that can be attached to an arbitrary model output for on-device training. */
public enum LossKind {
    /** mean((y - t)^2), target of y's shape. */
    MSE,
    /** mean(|y - t|), target of y's shape. */
    L1,
    /** mean over the batch of -log softmax(y)[label], logits [N, C], int64 labels [N]. */
    CROSS_ENTROPY;

    public static LossKind parse(String s) {
        String k = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (LossKind l : values()) {
            if (l.name().equals(k)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + s + "' (expected mse, l1 or cross-entropy)");
    }
}
