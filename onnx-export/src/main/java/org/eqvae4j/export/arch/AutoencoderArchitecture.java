package org.eqvae4j.export.arch;

import java.util.Map;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.runtime.bundle.LatentKind;

/**
 * An autoencoder the exporter knows by name: its geometry (what a bundle manifest records) and how to
 * build encoder and decoder graphs from a weight source.
 */
public interface AutoencoderArchitecture {

    /**
     * Encoder and decoder built from one weight source, and any further bundle files by manifest role
     * (VQ: {@code codebook}).
     */
    record Graphs(Graph encoder, Graph decoder, Map<String, Graph> more) {
        public Graphs {
            more = Map.copyOf(more);
        }

        public Graphs(Graph encoder, Graph decoder) {
            this(encoder, decoder, Map.of());
        }
    }

    /**
     * A quantiser inside a training graph (VQ): {@code vectors} for the decoder (straight-through
     * gradients), {@code indices} [N, h, w], {@code loss} = codebook + beta * commitment, and its terms.
     */
    record Quantized(Value vectors, Value indices, Value loss, Value codebookLoss, Value commitmentLoss) {}

    /** What the encoder body yields: the latent (the posterior mean for KL) and, for KL, its log-variance. */
    record Encoded(Value latent, Value logvar) {}

    String name();

    String description();

    LatentKind kind();

    int imageChannels();

    int latentChannels();

    int downsamplingFactor();

    /** Factor a generator applies to raw latents (SD-VAE: 0.18215; 1 when unknown). */
    double latentScale();

    /** Subtracted from raw latents before scaling (SD3/FLUX VAEs); 0 for most. */
    default double latentShift() {
        return 0;
    }

    /** Pixel range the encoder takes and the decoder returns, [low, high]. */
    double[] valueRange();

    /**
     * Builds both graphs. The weight source is shared so that, after this returns, the caller's
     * {@link Weights#finish()} reports every unused or missing tensor of the file at once.
     */
    Graphs build(Weights weights);

    /**
     * The encoder body inside a larger graph (training): parameters get unique names there (e.g. the
     * TAESD family prefixes "encoder."), looked up in {@code weights} by their state-dict names.
     */
    Encoded encode(GraphBuilder b, Weights weights, Value image);

    /** Codebook entries for VQ architectures, null for the others. */
    default Integer codebookSize() {
        return null;
    }

    /**
     * Quantises the {@link #encode} result of a VQ architecture (its pre-quantisation features) inside a
     * larger graph; the others have no quantiser.
     */
    default Quantized quantize(GraphBuilder b, Weights weights, Value features) {
        throw new UnsupportedOperationException("architecture " + name() + " (" + kind() + ") has no quantiser");
    }

    /** The decoder body inside a larger graph; see {@link #encode}. */
    Value decode(GraphBuilder b, Weights weights, Value latent);

    /**
     * The weights of built (or exported and read back) graphs as a state dict in this architecture's
     * naming, the inverse of {@link #build}: fine-tuning starts from a bundle's ONNX files this way.
     */
    default Map<String, Tensor> stateDict(Graph encoder, Graph decoder) {
        Map<String, Tensor> sd = new java.util.LinkedHashMap<>();
        for (Graph g : java.util.List.of(encoder, decoder)) {
            for (String p : g.parameterNames()) {
                sd.put(p, g.initializers().get(p));
            }
        }
        return sd;
    }

    /**
     * Renames a state dict from another layout (e.g. diffusers) into this architecture's names; the
     * default accepts the names as they are.
     */
    default Map<String, Tensor> normalize(Map<String, Tensor> stateDict) {
        return stateDict;
    }
}
