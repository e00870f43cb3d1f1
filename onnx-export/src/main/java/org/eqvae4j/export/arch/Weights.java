package org.eqvae4j.export.arch;

import org.eqvae4j.export.graph.Tensor;

/**
 * Where an architecture gets its parameters: from a loaded state dict (checked by name and shape) or
 * freshly initialised. Architectures ask for every parameter by its state-dict name; the source
 * decides what comes back and collects problems so that all of them can be reported at once.
 */
public interface Weights {

    /**
     * The parameter with this name and shape, as FLOAT.
     *
     * @param fanIn input fan for {@link Init#FAN_IN_UNIFORM} (ignored otherwise)
     */
    Tensor get(String name, Init init, long fanIn, long... shape);

    /** A view that looks names up under {@code prefix + name}, sharing this source's bookkeeping. */
    Weights withPrefix(String prefix);

    /**
     * Called once every graph has been built from this source (any view will do); throws {@link WeightMismatchException}
     * listing every missing, unexpected and misshaped tensor.
     */
    void finish();

    /**
     * Declares a state-dict entry that the architecture knows but does not use as a graph parameter
     * (BatchNorm's {@code num_batches_tracked}): a loaded state dict may hold it without it being
     * reported as unexpected, and may lack it without it being reported as missing.
     */
    default void ignore(String name) {}

    /** Fresh parameters from a seeded generator (reproducible for a given seed and architecture). */
    static Weights initialized(long seed) {
        return new InitializedWeights(seed);
    }

    /** Parameters from a state dict, looked up by exact name; {@code sourceName} appears in errors. */
    static Weights loaded(java.util.Map<String, Tensor> stateDict, String sourceName) {
        return new LoadedWeights(stateDict, sourceName);
    }
}
