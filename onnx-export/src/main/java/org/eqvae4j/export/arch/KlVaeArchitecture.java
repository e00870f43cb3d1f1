package org.eqvae4j.export.arch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.runtime.bundle.LatentKind;

/**
 * An LDM AutoencoderKL ({@link KlAutoencoder}) as a named architecture. {@link #normalize(Map)} accepts
 * the layouts KL-VAE weights are published in and renames them to LDM names:
 * <ul>
 * <li>{@link Layout#LDM}: an AutoencoderKL state dict ({@code encoder.*}, {@code quant_conv.*},
 *     {@code post_quant_conv.*}, {@code decoder.*}); the {@code loss.*} entries of LDM's autoencoder
 *     training checkpoints (discriminator, LPIPS, logvar) are dropped;
 * <li>{@link Layout#LDM_FULL}: a full latent-diffusion / Stable Diffusion checkpoint: the entries under
 *     {@code first_stage_model.} are kept without that prefix, every other entry (UNet, text encoder,
 *     EMA) is dropped;
 * <li>{@link Layout#DIFFUSERS}: a diffusers AutoencoderKL state dict, renamed by {@link DiffusersVaeNames}.
 * </ul>
 * Anything else stays in and is reported by {@link Weights#finish()}, under its LDM name.
 */
public record KlVaeArchitecture(String name, String description, KlVaeConfig config)
        implements AutoencoderArchitecture {

    /** Where a state dict comes from. */
    public enum Layout {
        LDM,
        LDM_FULL,
        DIFFUSERS
    }

    /** The key prefix of the VAE in full latent-diffusion checkpoints. */
    public static final String FIRST_STAGE_PREFIX = "first_stage_model.";
    /** The key prefix of the training losses in LDM autoencoder checkpoints. */
    public static final String LOSS_PREFIX = "loss.";

    public KlVaeArchitecture {
        if (config.inChannels() != config.outChannels()) {
            throw new IllegalArgumentException(
                    "architecture " + name + ": a bundle needs equal image channels in and out, got "
                            + config.inChannels() + " and " + config.outChannels());
        }
    }

    @Override
    public LatentKind kind() {
        return LatentKind.KL;
    }

    @Override
    public int imageChannels() {
        return config.inChannels();
    }

    @Override
    public int latentChannels() {
        return config.embedDim();
    }

    @Override
    public int downsamplingFactor() {
        return config.downsamplingFactor();
    }

    @Override
    public double latentScale() {
        return config.scalingFactor();
    }

    @Override
    public double latentShift() {
        return config.shiftFactor();
    }

    @Override
    public double[] valueRange() {
        return config.valueRange().toArray();
    }

    @Override
    public Encoded encode(GraphBuilder b, Weights weights, Value image) {
        KlAutoencoder.Posterior p = KlAutoencoder.encode(new Layers(b, weights), config, image);
        return new Encoded(p.mean(), p.logvar());
    }

    @Override
    public Value decode(GraphBuilder b, Weights weights, Value latent) {
        return KlAutoencoder.decode(new Layers(b, weights), config, latent);
    }

    @Override
    public Graphs build(Weights weights) {
        return new Graphs(KlAutoencoder.encoder(config, weights), KlAutoencoder.decoder(config, weights));
    }

    @Override
    public Map<String, Tensor> normalize(Map<String, Tensor> stateDict) {
        return toLdm(stateDict);
    }

    /** The layout of a state dict, from its keys. */
    public static Layout layout(Collection<String> keys) {
        if (keys.stream().anyMatch(k -> k.startsWith(FIRST_STAGE_PREFIX))) {
            return Layout.LDM_FULL;
        }
        return DiffusersVaeNames.isDiffusers(keys) ? Layout.DIFFUSERS : Layout.LDM;
    }

    /** A KL-VAE state dict in any {@link Layout}, as LDM AutoencoderKL names (see the class comment). */
    public static Map<String, Tensor> toLdm(Map<String, Tensor> stateDict) {
        Layout layout = layout(stateDict.keySet());
        if (layout == Layout.DIFFUSERS) {
            return DiffusersVaeNames.toLdm(stateDict);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            String key = e.getKey();
            if (layout == Layout.LDM_FULL) {
                if (!key.startsWith(FIRST_STAGE_PREFIX)) {
                    continue;
                }
                key = key.substring(FIRST_STAGE_PREFIX.length());
            }
            if (!key.startsWith(LOSS_PREFIX)) {
                out.put(key, e.getValue().renamed(key));
            }
        }
        return out;
    }
}
