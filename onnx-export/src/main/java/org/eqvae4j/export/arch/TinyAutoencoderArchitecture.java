package org.eqvae4j.export.arch;

import java.util.Map;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.runtime.bundle.LatentKind;

/**
 * A TAESD-family model as a named architecture. A combined state dict carries the encoder under
 * "encoder." and the decoder under "decoder." (the published separate files are merged that way).
 */
public record TinyAutoencoderArchitecture(String name, String description, TinyAutoencoderConfig config)
        implements AutoencoderArchitecture {

    public static final String ENCODER_PREFIX = "encoder.";
    public static final String DECODER_PREFIX = "decoder.";

    @Override
    public LatentKind kind() {
        return LatentKind.DETERMINISTIC;
    }

    @Override
    public int imageChannels() {
        return config.imageChannels();
    }

    @Override
    public int latentChannels() {
        return config.latentChannels();
    }

    @Override
    public int downsamplingFactor() {
        return config.downsamplingFactor();
    }

    @Override
    public double latentScale() {
        return 1.0;
    }

    @Override
    public double[] valueRange() {
        return new double[] {0, 1};
    }

    @Override
    public Encoded encode(GraphBuilder b, Weights weights, Value image) {
        return new Encoded(
                TinyAutoencoder.encode(
                        new Layers(b, weights.withPrefix(ENCODER_PREFIX), ENCODER_PREFIX), config, image),
                null);
    }

    @Override
    public Value decode(GraphBuilder b, Weights weights, Value latent) {
        return TinyAutoencoder.decode(
                new Layers(b, weights.withPrefix(DECODER_PREFIX), DECODER_PREFIX), config, latent);
    }

    @Override
    public Map<String, Tensor> stateDict(Graph encoder, Graph decoder) {
        Map<String, Tensor> sd = new java.util.LinkedHashMap<>();
        encoder.parameterNames()
                .forEach(p ->
                        sd.put(ENCODER_PREFIX + p, encoder.initializers().get(p).renamed(ENCODER_PREFIX + p)));
        decoder.parameterNames()
                .forEach(p ->
                        sd.put(DECODER_PREFIX + p, decoder.initializers().get(p).renamed(DECODER_PREFIX + p)));
        return sd;
    }

    @Override
    public Graphs build(Weights weights) {
        return new Graphs(
                TinyAutoencoder.encoder(config, weights.withPrefix(ENCODER_PREFIX)),
                TinyAutoencoder.decoder(config, weights.withPrefix(DECODER_PREFIX)));
    }
}
