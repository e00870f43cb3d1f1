package org.eqvae4j.runtime.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.ort.OrtSessions;
import org.eqvae4j.runtime.ort.ProviderChoice;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.ort.SessionFactory;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;
import org.eqvae4j.runtime.tensor.ValueRange;

/**
 * Encoder and decoder sessions of one bundle. Images at this API are NCHW float in [0, 1]; the
 * bundle's value range (e.g. [-1, 1] for SD-VAE) is applied here and nowhere else. Latents are raw
 * (unscaled). ORT sessions are thread-safe for {@code run}, so one instance may serve several threads.
 * Opening checks each file's channel counts against model.json. When the bundle ships the tiling parts
 * of its encoder or decoder, they are loaded too and offered as {@link #encoderStages()} /
 * {@link #decoderStages()}.
 */
public final class Autoencoder implements LatentCodec, AutoCloseable {
    private static final String LATENT = "latent";
    private static final String IMAGE = "image";
    private static final String INDICES = "indices";

    private final ModelManifest manifest;
    private final List<OrtSession> sessions;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final Stages encoderStages;
    private final Stages decoderStages;
    private final ProviderChoice providerChoice;
    private final OrtSession codebook;

    private Autoencoder(
            ModelManifest manifest,
            List<OrtSession> sessions,
            OrtSession[] parts,
            ProviderChoice providerChoice,
            OrtSession codebook) {
        this.manifest = manifest;
        this.providerChoice = providerChoice;
        this.codebook = codebook;
        this.sessions = List.copyOf(sessions);
        this.encoder = sessions.get(0);
        this.decoder = sessions.get(1);
        this.encoderStages = parts[0] == null
                ? null
                : new Stages(
                        f -> OrtSessions.run(parts[1], f, LATENT),
                        x -> OrtSessions.run(parts[0], ValueRange.toModel(checkImage(x), manifest.valueRange()), null));
        this.decoderStages = parts[2] == null
                ? null
                : new Stages(
                        z -> OrtSessions.run(parts[2], checkLatent(z), null),
                        f -> ValueRange.fromModel(OrtSessions.run(parts[3], f, IMAGE), manifest.valueRange()));
    }

    public static Autoencoder open(ModelBundle bundle) throws BundleException {
        return open(bundle, RuntimeOptions.DEFAULT);
    }

    /** @param threads intra-op threads, 0 for ONNX Runtime's default (all cores) */
    public static Autoencoder open(ModelBundle bundle, int threads) throws BundleException {
        return open(bundle, RuntimeOptions.threads(threads));
    }

    /**
     * Opens the bundle's sessions with {@code options}. When CUDA is asked for but cannot be used, every
     * session runs on the CPU, one warning is logged, and {@link #providerChoice()} says why.
     */
    public static Autoencoder open(ModelBundle bundle, RuntimeOptions options) throws BundleException {
        ModelManifest m = bundle.manifest();
        SessionFactory factory = new SessionFactory(options);
        List<OrtSession> opened = new ArrayList<>();
        try {
            OrtSession enc = load(factory, bundle, ModelManifest.ENCODER, opened);
            OrtSessions.checkChannels(
                    bundle, ModelManifest.ENCODER, enc, m.imageChannels(), LATENT, m.latentChannels());
            OrtSession dec = load(factory, bundle, ModelManifest.DECODER, opened);
            OrtSessions.checkChannels(bundle, ModelManifest.DECODER, dec, m.latentChannels(), IMAGE, m.imageChannels());
            OrtSession[] parts = new OrtSession[4];
            if (m.files().containsKey(ModelManifest.ENCODER_LOCAL)) {
                parts[0] = load(factory, bundle, ModelManifest.ENCODER_LOCAL, opened);
                OrtSessions.checkChannels(bundle, ModelManifest.ENCODER_LOCAL, parts[0], m.imageChannels(), null, -1);
                parts[1] = load(factory, bundle, ModelManifest.ENCODER_GLOBAL, opened);
                OrtSessions.checkChannels(
                        bundle, ModelManifest.ENCODER_GLOBAL, parts[1], -1, LATENT, m.latentChannels());
            }
            if (m.files().containsKey(ModelManifest.DECODER_GLOBAL)) {
                parts[2] = load(factory, bundle, ModelManifest.DECODER_GLOBAL, opened);
                OrtSessions.checkChannels(bundle, ModelManifest.DECODER_GLOBAL, parts[2], m.latentChannels(), null, -1);
                parts[3] = load(factory, bundle, ModelManifest.DECODER_LOCAL, opened);
                OrtSessions.checkChannels(bundle, ModelManifest.DECODER_LOCAL, parts[3], -1, IMAGE, m.imageChannels());
            }
            OrtSession codebook = null;
            if (m.kind() == LatentKind.VQ) {
                codebook = load(factory, bundle, ModelManifest.CODEBOOK, opened);
                if (!enc.getOutputNames().contains(INDICES)) {
                    throw new BundleException("model bundle " + bundle.root() + ": the VQ encoder "
                            + bundle.file(ModelManifest.ENCODER).getFileName() + " has no output '" + INDICES
                            + "' (outputs: " + enc.getOutputNames() + ")");
                }
                OrtSessions.checkChannels(bundle, ModelManifest.CODEBOOK, codebook, -1, LATENT, m.latentChannels());
            }
            return new Autoencoder(m, opened, parts, factory.choice(), codebook);
        } catch (BundleException | RuntimeException e) {
            opened.forEach(OrtSessions::closeQuietly);
            throw e;
        }
    }

    private static OrtSession load(SessionFactory factory, ModelBundle bundle, String role, List<OrtSession> opened)
            throws BundleException {
        OrtSession s = factory.create(bundle, role);
        opened.add(s);
        return s;
    }

    /** The execution provider asked for, the one the sessions run on, and why they differ if they do. */
    public ProviderChoice providerChoice() {
        return providerChoice;
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    /** image [N,C,H,W] in [0,1], H and W multiples of the downsampling factor -> raw latent. */
    @Override
    public FloatTensor encode(FloatTensor image) throws OrtException {
        return OrtSessions.run(encoder, ValueRange.toModel(checkImage(image), manifest.valueRange()), LATENT);
    }

    /** raw latent [N,Z,h,w] -> image [N,C,f*h,f*w] in [0,1] (not clamped; clamp when writing pixels). */
    @Override
    public FloatTensor decode(FloatTensor latent) throws OrtException {
        return ValueRange.fromModel(OrtSessions.run(decoder, checkLatent(latent), IMAGE), manifest.valueRange());
    }

    /** VQ bundles: image [N,C,H,W] in [0,1] -> codebook indices [N, H/f, W/f]. */
    public TokenGrid encodeIndices(FloatTensor image) throws OrtException {
        requireVq("encodeIndices");
        return OrtSessions.runToTokens(encoder, ValueRange.toModel(checkImage(image), manifest.valueRange()), INDICES);
    }

    /** VQ bundles: codebook indices -> the latent vectors they stand for (what {@link #decode} takes). */
    public FloatTensor vectors(TokenGrid tokens) throws OrtException {
        requireVq("vectors");
        return OrtSessions.runFromTokens(codebook, tokens.requireBelow(manifest.codebookSize()));
    }

    /** VQ bundles: codebook indices -> image in [0, 1], as decode(vectors(tokens)). */
    public FloatTensor decodeIndices(TokenGrid tokens) throws OrtException {
        return decode(vectors(tokens));
    }

    private void requireVq(String what) {
        if (codebook == null) {
            throw new IllegalStateException(what + " needs a VQ bundle; " + manifest.id() + " is " + manifest.kind());
        }
    }

    @Override
    public Optional<Stages> encoderStages() {
        return Optional.ofNullable(encoderStages);
    }

    @Override
    public Optional<Stages> decoderStages() {
        return Optional.ofNullable(decoderStages);
    }

    private FloatTensor checkImage(FloatTensor image) {
        int f = manifest.downsamplingFactor();
        if (image.channels() != manifest.imageChannels()) {
            throw new IllegalArgumentException("model " + manifest.id() + " takes " + manifest.imageChannels()
                    + "-channel images, got " + image.channels() + " channels");
        }
        if (image.height() % f != 0 || image.width() % f != 0 || image.height() == 0 || image.width() == 0) {
            throw new IllegalArgumentException("image size " + image.height() + "x" + image.width()
                    + " must be a positive multiple of the downsampling factor " + f);
        }
        return image;
    }

    private FloatTensor checkLatent(FloatTensor latent) {
        if (latent.channels() != manifest.latentChannels()) {
            throw new IllegalArgumentException("model " + manifest.id() + " decodes " + manifest.latentChannels()
                    + "-channel latents, got " + latent.channels() + " channels");
        }
        if (!latent.allFinite()) {
            throw new IllegalArgumentException("latent contains NaN or infinite values");
        }
        return latent;
    }

    @Override
    public void close() {
        sessions.forEach(OrtSessions::closeQuietly);
    }
}
