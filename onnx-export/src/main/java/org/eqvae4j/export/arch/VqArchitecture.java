package org.eqvae4j.export.arch;

import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelManifest;

/**
 * A VQ autoencoder ({@link VqAutoencoder}) as a named architecture: bundles of kind VQ with the extra
 * file role {@link ModelManifest#CODEBOOK} (indices -> vectors). {@link #encode} yields the
 * pre-quantisation features (what EQ-VAE transforms), {@link #quantize} the quantiser on them.
 */
public record VqArchitecture(String name, String description, VqConfig config) implements AutoencoderArchitecture {

    public VqArchitecture {
        if (config.body().inChannels() != config.body().outChannels()) {
            throw new IllegalArgumentException(
                    "architecture " + name + ": a bundle needs equal image channels in and out");
        }
    }

    @Override
    public LatentKind kind() {
        return LatentKind.VQ;
    }

    @Override
    public int imageChannels() {
        return config.body().inChannels();
    }

    @Override
    public int latentChannels() {
        return config.codebookDim();
    }

    @Override
    public int downsamplingFactor() {
        return config.body().downsamplingFactor();
    }

    @Override
    public double latentScale() {
        return 1;
    }

    @Override
    public double[] valueRange() {
        return config.body().valueRange().toArray();
    }

    @Override
    public Integer codebookSize() {
        return config.codebookSize();
    }

    @Override
    public Encoded encode(GraphBuilder b, Weights weights, Value image) {
        return new Encoded(VqAutoencoder.features(new Layers(b, weights), config, image), null);
    }

    @Override
    public Quantized quantize(GraphBuilder b, Weights weights, Value features) {
        VqAutoencoder.Quantized q = VqAutoencoder.quantize(new Layers(b, weights), config, features);
        return new Quantized(
                q.vectors(),
                q.indices(),
                b.add(q.codebookLoss(), b.mul(q.commitmentLoss(), b.scalar(config.beta()))),
                q.codebookLoss(),
                q.commitmentLoss());
    }

    @Override
    public Value decode(GraphBuilder b, Weights weights, Value latent) {
        return KlAutoencoder.decode(new Layers(b, weights), config.body(), latent);
    }

    @Override
    public Graphs build(Weights weights) {
        return new Graphs(
                VqAutoencoder.encoder(config, weights),
                VqAutoencoder.decoder(config, weights),
                Map.of(ModelManifest.CODEBOOK, VqAutoencoder.codebook(config, weights)));
    }
}
