package org.eqvae4j.export.eqvae;

import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.SeparableForm;

/**
 * The EQ-VAE training objective as one graph: x_hat = D(tau(z)), z = E(x) (a posterior sample for KL
 * autoencoders), loss = rec(x_hat, target) (+ kl * KL of the untransformed posterior). The transform
 * tau arrives as inputs in separable form, tau(z) = L · P(z) · R with P an optional transpose of the
 * spatial axes (see the runtime's {@code SeparableForm}); the caller feeds target = tau(x) at image
 * resolution for the equivariance branch, or identity matrices and target = x for the plain branch.
 * Every size is symbolic, so one training session serves every crop size and scale.
 *
 * <p>The transpose is chosen at run time with Where, which needs square latents when it is used.
 *
 * <p>VQ autoencoders: z are the pre-quantisation features, and tau acts on them before quantisation
 * (the paper's VQ-GAN variant), x_hat = D(quantise(tau(z))); the loss adds the quantiser's codebook and
 * beta-weighted commitment terms, computed on tau(z), and the graph also outputs the chosen indices
 * (for codebook-usage statistics).
 */
public final class EqVaeObjective {
    public static final String IMAGE = "image";
    public static final String TARGET = "target";
    public static final String TAU_LEFT = "tau_left";
    public static final String TAU_RIGHT = "tau_right";
    public static final String TAU_TRANSPOSE = "tau_transpose";
    public static final String NOISE = "noise";
    public static final String LOSS = "loss";
    public static final String REC_LOSS = "rec_loss";
    public static final String KL_LOSS = "kl_loss";
    public static final String PERCEPTUAL_LOSS = "perceptual_loss";
    public static final String EXPLICIT_LOSS = "explicit_equivariance_loss";
    /** VQ: codebook + beta * commitment loss, its terms, and the chosen codebook indices [N, h, w]. */
    public static final String VQ_LOSS = "vq_loss";
    public static final String CODEBOOK_LOSS = "codebook_loss";
    public static final String COMMITMENT_LOSS = "commitment_loss";
    public static final String INDICES = "indices";

    private EqVaeObjective() {
    }

    public static Graph build(AutoencoderArchitecture arch, Weights weights, EqVaeLoss cfg) {
        return build(arch, weights, cfg, null);
    }

    /**
     * @param featureNet frozen feature network for the perceptual term (one image input in the model's
     *                   value range, any number of float feature outputs), or null
     */
    public static Graph build(AutoencoderArchitecture arch, Weights weights, EqVaeLoss cfg, Graph featureNet) {
        if (cfg.perceptual() > 0 && featureNet == null) {
            throw new IllegalArgumentException("a perceptual weight needs a feature network");
        }
        GraphBuilder b = new GraphBuilder("eqvae_objective");
        int c = arch.imageChannels();
        int zc = arch.latentChannels();
        Value image = b.input(IMAGE, DType.FLOAT, Shape.symbolic("batch", c, "height", "width"));
        Value target = b.input(TARGET, DType.FLOAT, Shape.symbolic("batch", c, "target_height", "target_width"));
        Value left = b.input(TAU_LEFT, DType.FLOAT, Shape.symbolic("tau_out_height", "tau_in_rows"));
        Value right = b.input(TAU_RIGHT, DType.FLOAT, Shape.symbolic("tau_in_cols", "tau_out_width"));
        Value transpose = b.input(TAU_TRANSPOSE, DType.BOOL, Shape.of());

        AutoencoderArchitecture.Encoded enc = arch.encode(b, weights, image);
        Value z = enc.latent();
        if (enc.logvar() != null) {
            Value noise = b.input(NOISE, DType.FLOAT, Shape.symbolic("batch", zc, "latent_height", "latent_width"));
            try (var s = b.scope("posterior_sample")) {
                z = b.add(z, b.mul(b.exp(b.mul(enc.logvar(), b.scalar(0.5f))), noise));
            }
        }
        Value zt;
        try (var s = b.scope("tau")) {
            Value p = b.op("Where", transpose, b.transpose(z, 0, 1, 3, 2), z);
            zt = b.matmul(b.matmul(left, p), right);
        }
        AutoencoderArchitecture.Quantized quantized = null;
        Value decoderInput = zt;
        if (arch.kind() == org.eqvae4j.runtime.bundle.LatentKind.VQ) {
            quantized = arch.quantize(b, weights, zt);
            decoderInput = quantized.vectors();
        }
        Value xHat = arch.decode(b, weights, decoderInput);

        Value rec;
        try (var s = b.scope("rec_loss")) {
            Value d = b.sub(xHat, target);
            rec = null;
            if (cfg.l1() > 0) {
                rec = weighted(b, b.reduceMean(b.op("Abs", d), false, 0, 1, 2, 3), cfg.l1());
            }
            if (cfg.l2() > 0) {
                Value l2 = weighted(b, b.reduceMean(b.mul(d, d), false, 0, 1, 2, 3), cfg.l2());
                rec = rec == null ? l2 : b.add(rec, l2);
            }
        }
        Value loss = rec;
        Value perceptual = null;
        if (cfg.perceptual() > 0) {
            try (var s = b.scope("perceptual_loss")) {
                perceptual = perceptual(b, featureNet, xHat, target);
                loss = loss == null ? weighted(b, perceptual, cfg.perceptual()) : b.add(loss, weighted(b, perceptual, cfg.perceptual()));
            }
        }
        Value explicit = null;
        if (cfg.explicitEquivariance() > 0) {
            try (var s = b.scope("explicit_equivariance_loss")) {
                // compare tau(E(x)) with E(tau(x)) on deterministic latents (posterior means), sharing the encoder's weights
                Value tauMean = enc.logvar() == null ? zt : b.matmul(b.matmul(left, b.op("Where", transpose, b.transpose(enc.latent(), 0, 1, 3, 2), enc.latent())), right);
                Value encodedTarget = arch.encode(b, weights, target).latent();
                Value d = b.sub(tauMean, encodedTarget);
                explicit = b.reduceMean(b.mul(d, d), false, 0, 1, 2, 3);
                loss = loss == null ? weighted(b, explicit, cfg.explicitEquivariance()) : b.add(loss, weighted(b, explicit, cfg.explicitEquivariance()));
            }
        }
        Value kl = null;
        if (enc.logvar() != null) {
            try (var s = b.scope("kl_loss")) {
                Value mean = enc.latent();
                Value lv = enc.logvar();
                Value terms = b.sub(b.sub(b.add(b.mul(mean, mean), b.exp(lv)), b.scalar(1f)), lv);
                kl = b.reduceMean(b.mul(b.reduceSum(terms, false, 1, 2, 3), b.scalar(0.5f)), false, 0);
                loss = loss == null ? weighted(b, kl, cfg.kl()) : b.add(loss, weighted(b, kl, cfg.kl()));
            }
        }
        if (quantized != null) {
            loss = b.add(loss, quantized.loss());
        }
        b.output(loss, LOSS);
        if (rec != null) {
            b.output(rec, REC_LOSS);
        }
        if (perceptual != null) {
            b.output(perceptual, PERCEPTUAL_LOSS);
        }
        if (explicit != null) {
            b.output(explicit, EXPLICIT_LOSS);
        }
        if (kl != null) {
            b.output(kl, KL_LOSS);
        }
        if (quantized != null) {
            b.output(quantized.loss(), VQ_LOSS);
            b.output(quantized.codebookLoss(), CODEBOOK_LOSS);
            b.output(quantized.commitmentLoss(), COMMITMENT_LOSS);
            b.output(quantized.indices(), INDICES);
        }
        return b.build();
    }

    /** Sum over the network's outputs of mean squared feature differences; the network's weights are constants. */
    private static Value perceptual(GraphBuilder b, Graph net, Value xHat, Value target) {
        if (net.inputs().size() != 1) {
            throw new IllegalArgumentException("the perceptual feature network must have exactly one input, '" + net.name() + "' has " + net.inputs().size());
        }
        String input = net.inputs().get(0).name();
        java.util.Map<String, Value> a = b.inline(net, java.util.Map.of(input, xHat), "perceptual.");
        java.util.Map<String, Value> t = b.inline(net, java.util.Map.of(input, target), "perceptual.");
        Value sum = null;
        for (String out : a.keySet()) {
            Value d = b.sub(a.get(out), t.get(out));
            Value term = b.reduceMean(b.mul(d, d), false);
            sum = sum == null ? term : b.add(sum, term);
        }
        return sum;
    }

    /**
     * The graph's inputs for one step: images in the model's value range, tau in separable form, and
     * posterior noise (KL models; null otherwise). The one place that turns step data into tensors.
     */
    public static Tensor[] inputs(FloatTensor image, FloatTensor target, SeparableForm tau, FloatTensor noise) {
        java.util.List<Tensor> t = new java.util.ArrayList<>();
        t.add(Tensor.ofFloats(IMAGE, image.shape(), image.data()));
        t.add(Tensor.ofFloats(TARGET, target.shape(), target.data()));
        t.add(Tensor.ofFloats(TAU_LEFT, new long[] {tau.left().length, tau.left()[0].length}, SeparableForm.toFloats(tau.left())));
        t.add(Tensor.ofFloats(TAU_RIGHT, new long[] {tau.right().length, tau.right()[0].length}, SeparableForm.toFloats(tau.right())));
        t.add(new Tensor(TAU_TRANSPOSE, DType.BOOL, new long[0], new byte[] {(byte) (tau.transpose() ? 1 : 0)}));
        if (noise != null) {
            t.add(Tensor.ofFloats(NOISE, noise.shape(), noise.data()));
        }
        return t.toArray(Tensor[]::new);
    }

    private static Value weighted(GraphBuilder b, Value v, float w) {
        return w == 1f ? v : b.mul(v, b.scalar(w));
    }
}
