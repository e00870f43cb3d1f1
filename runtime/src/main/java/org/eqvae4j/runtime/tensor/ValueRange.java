package org.eqvae4j.runtime.tensor;

/**
 * The one mapping between the [0, 1] images of the API and a model's pixel range (e.g. [-1, 1] for
 * SD-VAE), as a bundle's {@code valueRange} declares it: v_model = low + v * (high - low).
 */
public final class ValueRange {
    private ValueRange() {
    }

    public static FloatTensor toModel(FloatTensor unit, double[] range) {
        double lo = range[0];
        double hi = range[1];
        return lo == 0 && hi == 1 ? unit : unit.map(v -> lo + v * (hi - lo));
    }

    public static FloatTensor fromModel(FloatTensor model, double[] range) {
        double lo = range[0];
        double hi = range[1];
        return lo == 0 && hi == 1 ? model : model.map(v -> (v - lo) / (hi - lo));
    }
}
