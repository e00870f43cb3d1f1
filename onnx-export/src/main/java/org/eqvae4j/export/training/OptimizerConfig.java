package org.eqvae4j.export.training;

/**
 * Which optimizer the optimizer model runs, with its fixed hyper-parameters. The learning rate is not
 * part of it: ONNX Runtime feeds it to the optimizer model at every step, so it is set (and scheduled)
 * on the training session.
 */
public sealed interface OptimizerConfig permits OptimizerConfig.AdamW, OptimizerConfig.Sgd {

    /** Where ONNX Runtime's AdamWOptimizer applies weight decay and bias correction. */
    enum AdamMode {
        /** torch.optim.AdamW: decay before the update (attribute value 0). */
        TORCH(0),
        /** Hugging Face transformers AdamW: decay after the update (attribute value 1). */
        HUGGING_FACE(1);

        private final int attributeValue;

        AdamMode(int attributeValue) {
            this.attributeValue = attributeValue;
        }

        public int attributeValue() {
            return attributeValue;
        }
    }

    /** ONNX Runtime's com.microsoft AdamWOptimizer; Adam is the special case weightDecay = 0. */
    record AdamW(float beta1, float beta2, float epsilon, float weightDecay, boolean correctBias, AdamMode mode)
            implements OptimizerConfig {
        public AdamW {
            requireInRange("beta1", beta1);
            requireInRange("beta2", beta2);
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("AdamW epsilon must be > 0, got " + epsilon);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("AdamW weight decay must be >= 0, got " + weightDecay);
            }
            if (mode == null) {
                throw new IllegalArgumentException("AdamW mode must be given");
            }
        }

        private static void requireInRange(String name, float beta) {
            if (!(beta >= 0 && beta < 1)) {
                throw new IllegalArgumentException("AdamW " + name + " must be in [0, 1), got " + beta);
            }
        }
    }

    /** Plain SGD (ONNX Runtime's com.microsoft SGDOptimizerV2): p -= lr * g. */
    record Sgd() implements OptimizerConfig {}

    /** AdamW with torch.optim.AdamW's semantics and the given hyper-parameters. */
    static AdamW adamW(float beta1, float beta2, float epsilon, float weightDecay) {
        return new AdamW(beta1, beta2, epsilon, weightDecay, true, AdamMode.TORCH);
    }

    /** torch.optim.AdamW's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    static AdamW adamW() {
        return adamW(0.9f, 0.999f, 1e-8f, 0.01f);
    }

    /**
     * The optimizer of EQ-VAE fine-tuning (taken over from the LDM autoencoder recipe): torch.optim.Adam
     * with betas (0.5, 0.9), eps 1e-8 and no weight decay.
     */
    static AdamW eqVaeAdam() {
        return adamW(0.5f, 0.9f, 1e-8f, 0f);
    }

    static Sgd sgd() {
        return new Sgd();
    }
}
