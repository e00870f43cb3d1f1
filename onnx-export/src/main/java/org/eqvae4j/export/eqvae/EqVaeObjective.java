package org.eqvae4j.export.eqvae;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.PatchGanDiscriminator;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
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
 * <p>With an {@link AdversarialLoss} the graph also holds the PatchGAN discriminator (parameters
 * {@code discriminator.<state-dict name>}) and one scalar input {@code disc_factor} (0 before the
 * discriminator's start step, 1 after). Generator and discriminator train in one graph and one
 * optimizer: {@code loss = generator_loss + disc_factor * d_loss}, where stop-gradient marks keep each
 * player's loss off the other's parameters (the generator's D(fake) sees detached discriminator weights,
 * the discriminator's D(fake) a detached reconstruction), so the gradient of the sum is, parameter by
 * parameter, exactly the gradient of that parameter's own loss. The adaptive weight is computed inside
 * the graph from the gradients of the current step (no lag), as taming does.
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
    /** Input: multiplies both adversarial terms (0 before the discriminator starts, 1 after). */
    public static final String DISC_FACTOR = "disc_factor";
    /** Output: the generator's objective (reconstruction terms, KL, weighted adversarial term). */
    public static final String GENERATOR_LOSS = "generator_loss";
    /** Output: -mean(D(reconstruction)), the adversarial term before its weight. */
    public static final String G_ADV = "g_adv";
    /** Output: the discriminator's hinge loss. */
    public static final String D_LOSS = "d_loss";
    /** Output: lambda, the clamped ratio of gradient norms at the decoder's last layer (before discWeight). */
    public static final String ADAPTIVE_WEIGHT = "adaptive_weight";
    /** Output: ||d(reconstruction terms)/dW|| at the decoder's last layer. */
    public static final String REC_GRAD_NORM = "rec_grad_norm";
    /** Output: ||d(g_adv)/dW|| at the decoder's last layer. */
    public static final String GAN_GRAD_NORM = "gan_grad_norm";
    /** Output: mean discriminator logit on the targets. */
    public static final String LOGITS_REAL = "logits_real";
    /** Output: mean discriminator logit on the reconstructions. */
    public static final String LOGITS_FAKE = "logits_fake";
    /** Prefix of the discriminator's parameters in the objective graph. */
    public static final String DISCRIMINATOR_PREFIX = "discriminator.";
    /** VQ: codebook + beta * commitment loss, its terms, and the chosen codebook indices [N, h, w]. */
    public static final String VQ_LOSS = "vq_loss";

    public static final String CODEBOOK_LOSS = "codebook_loss";
    public static final String COMMITMENT_LOSS = "commitment_loss";
    public static final String INDICES = "indices";

    private EqVaeObjective() {}

    public static Graph build(AutoencoderArchitecture arch, Weights weights, EqVaeLoss cfg) {
        return build(arch, weights, cfg, null);
    }

    /**
     * @param featureNet frozen feature network for the perceptual term (one image input in the model's
     *                   value range, any number of float feature outputs), or null
     */
    public static Graph build(AutoencoderArchitecture arch, Weights weights, EqVaeLoss cfg, Graph featureNet) {
        return build(arch, weights, cfg, featureNet, null, null);
    }

    /**
     * @param adversarial the PatchGAN term, or null for none
     * @param discWeights weights of the discriminator by its state-dict names ({@code main.0.weight}, ...):
     *                    fresh ({@link Weights#initialized}) or loaded; the caller calls {@code finish()}
     */
    public static Graph build(
            AutoencoderArchitecture arch,
            Weights weights,
            EqVaeLoss cfg,
            Graph featureNet,
            AdversarialLoss adversarial,
            Weights discWeights) {
        if (adversarial != null && discWeights == null) {
            throw new IllegalArgumentException("an adversarial loss needs discriminator weights");
        }
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
        Value lastLayer = adversarial == null ? null : lastConvWeight(b, xHat);
        Value discFactor = adversarial == null ? null : b.input(DISC_FACTOR, DType.FLOAT, Shape.of());

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
                loss = loss == null
                        ? weighted(b, perceptual, cfg.perceptual())
                        : b.add(loss, weighted(b, perceptual, cfg.perceptual()));
            }
        }
        Value explicit = null;
        if (cfg.explicitEquivariance() > 0) {
            try (var s = b.scope("explicit_equivariance_loss")) {
                // compare tau(E(x)) with E(tau(x)) on deterministic latents (posterior means), sharing the encoder's
                // weights
                Value tauMean = enc.logvar() == null
                        ? zt
                        : b.matmul(
                                b.matmul(
                                        left,
                                        b.op("Where", transpose, b.transpose(enc.latent(), 0, 1, 3, 2), enc.latent())),
                                right);
                Value encodedTarget = arch.encode(b, weights, target).latent();
                Value d = b.sub(tauMean, encodedTarget);
                explicit = b.reduceMean(b.mul(d, d), false, 0, 1, 2, 3);
                loss = loss == null
                        ? weighted(b, explicit, cfg.explicitEquivariance())
                        : b.add(loss, weighted(b, explicit, cfg.explicitEquivariance()));
            }
        }
        Value reconstructionTerms = loss;
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
        Adversarial adv = null;
        if (adversarial != null) {
            adv = adversarial(b, adversarial, discWeights, xHat, target, lastLayer, reconstructionTerms, discFactor);
            Value generator = b.add(loss, b.mul(adv.weight(), adv.gAdv()));
            b.output(b.add(generator, b.mul(discFactor, adv.dLoss())), LOSS);
            b.output(generator, GENERATOR_LOSS);
        } else {
            b.output(loss, LOSS);
        }
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
        if (adv != null) {
            b.output(adv.gAdv(), G_ADV);
            b.output(adv.dLoss(), D_LOSS);
            b.output(adv.lambda(), ADAPTIVE_WEIGHT);
            b.output(adv.recNorm(), REC_GRAD_NORM);
            b.output(adv.ganNorm(), GAN_GRAD_NORM);
            b.output(adv.logitsReal(), LOGITS_REAL);
            b.output(adv.logitsFake(), LOGITS_FAKE);
        }
        if (quantized != null) {
            b.output(quantized.loss(), VQ_LOSS);
            b.output(quantized.codebookLoss(), CODEBOOK_LOSS);
            b.output(quantized.commitmentLoss(), COMMITMENT_LOSS);
            b.output(quantized.indices(), INDICES);
        }
        return b.build();
    }

    /** The adversarial part's values; {@code weight} = stopGradient(lambda * discWeight * disc_factor). */
    private record Adversarial(
            Value gAdv,
            Value dLoss,
            Value lambda,
            Value weight,
            Value recNorm,
            Value ganNorm,
            Value logitsReal,
            Value logitsFake) {}

    private static Adversarial adversarial(
            GraphBuilder b,
            AdversarialLoss cfg,
            Weights discWeights,
            Value xHat,
            Value target,
            Value lastLayer,
            Value reconstructionTerms,
            Value discFactor) {
        try (var s = b.scope("adversarial")) {
            Graph disc = PatchGanDiscriminator.discriminator(cfg.discriminator(), discWeights);
            String image = disc.inputs().get(0).name();
            Map<String, Value> trained = new HashMap<>();
            Map<String, Value> detached = new HashMap<>();
            for (String p : disc.initializers().keySet()) {
                if (disc.parameterNames().contains(p)) {
                    Value param = b.parameter(
                            DISCRIMINATOR_PREFIX + p, disc.initializers().get(p));
                    trained.put(p, param);
                    detached.put(p, b.stopGradient(param));
                }
            }
            Value logitsReal;
            Value logitsFakeD;
            Value logitsFakeG;
            try (var d = b.scope("discriminator_real")) {
                logitsReal = inlineDiscriminator(b, disc, image, target, trained);
            }
            try (var d = b.scope("discriminator_fake")) {
                logitsFakeD = inlineDiscriminator(b, disc, image, b.stopGradient(xHat), trained);
            }
            try (var d = b.scope("generator_fake")) {
                logitsFakeG = inlineDiscriminator(b, disc, image, xHat, detached);
            }
            Value dLoss;
            try (var d = b.scope("d_loss")) {
                Value one = b.scalar(1f);
                Value real = b.reduceMean(b.relu(b.sub(one, logitsReal)), false);
                Value fake = b.reduceMean(b.relu(b.add(one, logitsFakeD)), false);
                dLoss = b.mul(b.add(real, fake), b.scalar(0.5f));
            }
            Value gAdv;
            try (var g = b.scope("g_adv")) {
                gAdv = b.op("Neg", b.reduceMean(logitsFakeG, false));
            }
            Value recNorm;
            Value ganNorm;
            Value lambda;
            Value weight;
            try (var w = b.scope("adaptive_weight")) {
                Autodiff ad = Autodiff.standard();
                recNorm = norm(
                        b,
                        ad.gradientsIn(b, reconstructionTerms, List.of(lastLayer))
                                .get(0));
                ganNorm = norm(b, ad.gradientsIn(b, gAdv, List.of(lastLayer)).get(0));
                lambda = b.clip(
                        b.div(recNorm, b.add(ganNorm, b.scalar(AdversarialLoss.ADAPTIVE_EPS))),
                        0f,
                        AdversarialLoss.MAX_ADAPTIVE_WEIGHT);
                weight = b.stopGradient(b.mul(b.mul(lambda, b.scalar(cfg.discWeight())), discFactor));
            }
            return new Adversarial(
                    gAdv,
                    dLoss,
                    lambda,
                    weight,
                    recNorm,
                    ganNorm,
                    b.reduceMean(logitsReal, false),
                    b.reduceMean(logitsFakeD, false));
        }
    }

    private static Value inlineDiscriminator(
            GraphBuilder b, Graph disc, String imageInput, Value image, Map<String, Value> params) {
        Map<String, Value> bind = new HashMap<>(params);
        bind.put(imageInput, image);
        return b.inline(disc, bind, DISCRIMINATOR_PREFIX).values().iterator().next();
    }

    /** The Frobenius norm of a tensor, as a scalar. */
    private static Value norm(GraphBuilder b, Value v) {
        return b.sqrt(b.reduceSum(b.mul(v, v), false, allAxes(v)));
    }

    private static long[] allAxes(Value v) {
        long[] axes = new long[v.rank()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    /**
     * The weight of the decoder's last convolution (LDM's {@code decoder.conv_out.weight}): the last Conv
     * node built so far whose weight is a parameter, found right after the decoder is built.
     */
    private static Value lastConvWeight(GraphBuilder b, Value xHat) {
        List<org.eqvae4j.export.graph.Node> nodes = b.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            org.eqvae4j.export.graph.Node n = nodes.get(i);
            if (n.opType().equals("Conv") && n.inputs().size() > 1 && b.isParameter(n.input(1))) {
                return b.value(n.input(1).name());
            }
        }
        throw new IllegalArgumentException(
                "the adaptive GAN weight needs the decoder's last convolution, but the decoder (" + xHat.name()
                        + ") has no Conv with a parameter weight");
    }

    /** Sum over the network's outputs of mean squared feature differences; the network's weights are constants. */
    private static Value perceptual(GraphBuilder b, Graph net, Value xHat, Value target) {
        if (net.inputs().size() != 1) {
            throw new IllegalArgumentException("the perceptual feature network must have exactly one input, '"
                    + net.name() + "' has " + net.inputs().size());
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
        return inputs(image, target, tau, noise, null);
    }

    /**
     * As {@link #inputs(FloatTensor, FloatTensor, SeparableForm, FloatTensor)}, plus {@code disc_factor}
     * for graphs with an adversarial term (null for graphs without).
     */
    public static Tensor[] inputs(
            FloatTensor image, FloatTensor target, SeparableForm tau, FloatTensor noise, Float discFactor) {
        java.util.List<Tensor> t = new java.util.ArrayList<>();
        t.add(Tensor.ofFloats(IMAGE, image.shape(), image.data()));
        t.add(Tensor.ofFloats(TARGET, target.shape(), target.data()));
        t.add(Tensor.ofFloats(
                TAU_LEFT, new long[] {tau.left().length, tau.left()[0].length}, SeparableForm.toFloats(tau.left())));
        t.add(Tensor.ofFloats(
                TAU_RIGHT,
                new long[] {tau.right().length, tau.right()[0].length},
                SeparableForm.toFloats(tau.right())));
        t.add(new Tensor(TAU_TRANSPOSE, DType.BOOL, new long[0], new byte[] {(byte) (tau.transpose() ? 1 : 0)}));
        if (noise != null) {
            t.add(Tensor.ofFloats(NOISE, noise.shape(), noise.data()));
        }
        if (discFactor != null) {
            t.add(Tensor.scalar(DISC_FACTOR, discFactor));
        }
        return t.toArray(Tensor[]::new);
    }

    private static Value weighted(GraphBuilder b, Value v, float w) {
        return w == 1f ? v : b.mul(v, b.scalar(w));
    }
}
