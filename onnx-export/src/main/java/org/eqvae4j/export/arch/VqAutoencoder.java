package org.eqvae4j.export.arch;

import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Value;

/**
 * A VQ autoencoder ({@link VqConfig}): encoder trunk, {@code conv_out}, {@code quant_conv} give the
 * pre-quantisation features z [N, D, h, w]; the quantiser replaces each position's feature by the
 * nearest codebook entry; the decoder is {@link KlAutoencoder#decode}. Parameter names follow LDM, the
 * codebook is {@code quantize.embedding.weight} [K, D] (taming-transformers' name).
 *
 * <p>Quantisation, with {@code n(v) = v / ||v||} over the channel axis:
 * {@code index = argmin_k ||n(z) - n(e_k)||^2 = argmax_k n(z) . n(e_k)}, {@code q = n(e_index)}. Training
 * uses the straight-through estimator {@code n(z) + sg(q - n(z))}, the codebook loss
 * {@code mean((sg(n(z)) - q)^2)} and the commitment loss {@code mean((n(z) - sg(q))^2)}, where
 * {@code sg} is {@link GraphBuilder#stopGradient}.
 *
 * <p>Bundle graphs: {@code encoder} image -> {@code latent} (the quantised vectors q, [N, D, h, w]) and
 * {@code indices} ([N, h, w] int64); {@code decoder} latent vectors -> image; {@code codebook}
 * {@code indices} -> {@code latent} (decode indices as decoder(codebook(indices))).
 */
public final class VqAutoencoder {
    public static final String CODEBOOK = "quantize.embedding.weight";
    private static final float NORM_EPS = 1e-10f;

    private VqAutoencoder() {}

    /**
     * The quantiser's results: {@code vectors} with straight-through gradients (what the decoder gets
     * in training), {@code quantized} without, {@code indices} [N, h, w], and the two scalar losses.
     */
    public record Quantized(Value vectors, Value quantized, Value indices, Value codebookLoss, Value commitmentLoss) {}

    /** Pre-quantisation features z [N, D, H/f, W/f]. */
    public static Value features(Layers l, VqConfig cfg, Value image) {
        KlVaeConfig body = cfg.body();
        Value h = KlAutoencoder.trunk(l, body, image);
        h = l.conv2d("encoder.conv_out", h, body.levelChannels(body.numLevels() - 1), body.zChannels(), 3, 1, true);
        return l.conv2d("quant_conv", h, body.zChannels(), body.embedDim(), 1, 1, true);
    }

    /** The normalised codebook n(E) [K, D]. */
    static Value normalizedCodebook(Layers l, VqConfig cfg) {
        Value e = l.param(CODEBOOK, Init.NORMAL_002, 0, cfg.codebookSize(), cfg.codebookDim());
        try (var s = l.builder().scope("quantize")) {
            return normalize(l.builder(), e, 1);
        }
    }

    /** Quantises z [N, D, h, w]. */
    public static Quantized quantize(Layers l, VqConfig cfg, Value z) {
        GraphBuilder b = l.builder();
        Value codes = normalizedCodebook(l, cfg);
        try (var s = b.scope("quantize")) {
            Value zn = normalize(b, b.transpose(z, 0, 2, 3, 1), 3); // [N, h, w, D]
            // nearest entry of unit vectors = largest dot product; no gradient through the choice
            Value scores = b.matmul(b.stopGradient(zn), b.transpose(b.stopGradient(codes), 1, 0)); // [N, h, w, K]
            Value indices = b.op("ArgMax", java.util.List.of(scores), java.util.Map.of("axis", 3, "keepdims", 0));
            Value q = b.op("Gather", java.util.List.of(codes, indices), java.util.Map.of("axis", 0)); // [N, h, w, D]
            Value st = b.add(zn, b.stopGradient(b.sub(q, zn)));
            Value dCode = b.sub(b.stopGradient(zn), q);
            Value codebookLoss = b.reduceMean(b.mul(dCode, dCode), false);
            Value dCommit = b.sub(zn, b.stopGradient(q));
            Value commitmentLoss = b.reduceMean(b.mul(dCommit, dCommit), false);
            return new Quantized(
                    b.transpose(st, 0, 3, 1, 2), b.transpose(q, 0, 3, 1, 2), indices, codebookLoss, commitmentLoss);
        }
    }

    /** v / sqrt(sum(v^2) + eps) along {@code axis}. */
    private static Value normalize(GraphBuilder b, Value v, long axis) {
        Value norm = b.sqrt(b.add(b.reduceSum(b.mul(v, v), true, axis), b.scalar(NORM_EPS)));
        return b.div(v, norm);
    }

    /** image -> {@code latent} (quantised vectors) and {@code indices}. */
    public static Graph encoder(VqConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("encoder");
        KlVaeConfig body = cfg.body();
        Value x = b.input("image", DType.FLOAT, Shape.symbolic("batch", body.inChannels(), "height", "width"));
        Layers l = new Layers(b, weights);
        Quantized q = quantize(l, cfg, features(l, cfg, x));
        b.output(q.quantized(), "latent");
        b.output(q.indices(), "indices");
        return b.build();
    }

    /** latent vectors [N, D, h, w] -> image, as {@link KlAutoencoder#decoder}. */
    public static Graph decoder(VqConfig cfg, Weights weights) {
        return KlAutoencoder.decoder(cfg.body(), weights);
    }

    /** indices [N, h, w] int64 -> latent [N, D, h, w]: the normalised codebook entries. */
    public static Graph codebook(VqConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("codebook");
        Value idx = b.input("indices", DType.INT64, Shape.symbolic("batch", "latent_height", "latent_width"));
        Value codes = normalizedCodebook(new Layers(b, weights), cfg);
        Value q = b.op("Gather", java.util.List.of(codes, idx), java.util.Map.of("axis", 0));
        b.output(b.transpose(q, 0, 3, 1, 2), "latent");
        return b.build();
    }
}
