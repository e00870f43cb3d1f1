package org.eqvae4j.export.arch;

import java.util.List;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Value;

/**
 * The LDM AutoencoderKL (Stable Diffusion VAE family), as in CompVis {@code ldm/modules/diffusionmodules/model.py}
 * and diffusers {@code AutoencoderKL}. Parameter names are LDM's state-dict names
 * ({@code encoder.down.0.block.0.norm1.weight}, {@code encoder.mid.attn_1.q.weight}, {@code quant_conv.weight},
 * {@code decoder.up.3.upsample.conv.weight}, ...); {@link KlVaeArchitecture#toLdm(java.util.Map)} brings
 * full LDM ({@code first_stage_model.}) and diffusers checkpoints into them. Both graphs take their
 * parameters from one {@link Weights} source by these full names; call {@link Weights#finish()} once both
 * are built.
 *
 * <pre>
 * encoder: conv_in | per level i: num_res_blocks x (ResnetBlock [+ AttnBlock]), Downsample unless last |
 *          mid: ResnetBlock, AttnBlock, ResnetBlock | GroupNorm, SiLU, conv_out (2 z) | quant_conv 1x1 (2 embed)
 *          | mean, logvar = chunk(2); logvar clamped to [-30, 20]
 * decoder: post_quant_conv 1x1 | conv_in | mid | per level i from last to 0 (LDM's up.i):
 *          (num_res_blocks + 1) x (ResnetBlock [+ AttnBlock]), Upsample unless level 0 | GroupNorm, SiLU, conv_out
 * ResnetBlock: x' = shortcut(x) + conv2(SiLU(GN(conv1(SiLU(GN(x)))))), shortcut = nin_shortcut 1x1 when channels change
 * AttnBlock:   x + proj_out(softmax(q k^T / sqrt(c)) v) with q, k, v = 1x1 convs of GN(x), single head over h*w
 * Downsample:  zero pad right/bottom by 1, conv 3x3 stride 2;   Upsample: nearest x2, conv 3x3
 * </pre>
 *
 * <p>Graph conventions: images are in {@link KlVaeConfig#valueRange()} ([-1, 1] for SD) and are not
 * rescaled inside; latents are unscaled (apply {@link KlVaeConfig#scalingFactor()} and
 * {@link KlVaeConfig#shiftFactor()} outside). Height and width are symbolic; any size of at least the
 * downsampling factor runs, and sizes that are multiples of it come back at the same size.
 */
public final class KlAutoencoder {
    private KlAutoencoder() {}

    /** The posterior's parameters, each [N, embedDim, h, w]; logvar is already clamped. */
    public record Posterior(Value mean, Value logvar) {}

    /**
     * image [N,C,H,W] -> three outputs, in this order:
     * <ul>
     * <li>{@code latent}: the posterior mean, for deterministic use (the output the runtime's
     *     {@code Autoencoder.encode} reads, as for deterministic bundles);
     * <li>{@code mean}: the same values, under the name of the distribution parameter;
     * <li>{@code logvar}: the clamped log-variance; sample as {@code mean + exp(logvar / 2) * eps}.
     * </ul>
     * All are [N, embedDim, H/f, W/f] (each Downsample halves a side rounding down); H and W are symbolic.
     */
    public static Graph encoder(KlVaeConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("encoder");
        Value x = b.input("image", DType.FLOAT, Shape.symbolic("batch", cfg.inChannels(), "height", "width"));
        Posterior p = encode(new Layers(b, weights), cfg, x);
        Shape latentShape = Shape.symbolic("batch", cfg.embedDim(), null, null);
        b.output(shaped(p.mean(), latentShape), "latent");
        b.output(shaped(p.mean(), latentShape), "mean");
        b.output(shaped(p.logvar(), latentShape), "logvar");
        return b.build();
    }

    /** latent [N, embedDim, h, w] (unscaled) -> image [N, outChannels, f h, f w] in the value range (not clamped). */
    public static Graph decoder(KlVaeConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("decoder");
        Value z = b.input(
                "latent", DType.FLOAT, Shape.symbolic("batch", cfg.embedDim(), "latent_height", "latent_width"));
        b.output(decode(new Layers(b, weights), cfg, z), "image");
        return b.build();
    }

    /** The encoder body and quant_conv, for composing into larger (training) graphs. */
    public static Posterior encode(Layers l, KlVaeConfig cfg, Value x) {
        GraphBuilder b = l.builder();
        Value h = trunk(l, cfg, x);
        long c = cfg.levelChannels(cfg.numLevels() - 1);
        long moments = 2L * cfg.zChannels();
        h = l.conv2d("encoder.conv_out", h, c, moments, 3, 1, true);
        if (cfg.useQuantConv()) {
            moments = 2L * cfg.embedDim();
            h = l.conv2d("quant_conv", h, 2L * cfg.zChannels(), moments, 1, 1, true);
        }
        try (var s = b.scope("posterior")) {
            List<Value> parts = b.split(h, 1, cfg.embedDim(), cfg.embedDim());
            Value logvar = b.clip(parts.get(1), KlVaeConfig.LOGVAR_MIN, KlVaeConfig.LOGVAR_MAX);
            return new Posterior(parts.get(0), logvar);
        }
    }

    /**
     * The encoder up to (not including) {@code conv_out}: conv_in, the levels, mid, norm_out and SiLU;
     * [N, levelChannels(last), H/f, W/f]. Shared by the KL head above and the VQ head ({@link VqAutoencoder}).
     */
    public static Value trunk(Layers l, KlVaeConfig cfg, Value x) {
        GraphBuilder b = l.builder();
        int levels = cfg.numLevels();
        long c = cfg.ch();
        Value h = l.conv2d("encoder.conv_in", x, cfg.inChannels(), c, 3, 1, true);
        for (int i = 0; i < levels; i++) {
            long out = cfg.levelChannels(i);
            for (int j = 0; j < cfg.numResBlocks(); j++) {
                h = resnetBlock(l, cfg, "encoder.down." + i + ".block." + j, h, c, out);
                c = out;
                if (cfg.attnLevels().contains(i)) {
                    h = attnBlock(l, cfg, "encoder.down." + i + ".attn." + j, h, c);
                }
            }
            if (i != levels - 1) {
                h = downsample(l, "encoder.down." + i + ".downsample", h, c);
            }
        }
        h = mid(l, cfg, "encoder.mid", h, c);
        h = l.groupNorm("encoder.norm_out", h, cfg.normGroups(), c, KlVaeConfig.NORM_EPS, true);
        try (var s = b.scope("encoder.nonlinearity")) {
            return b.silu(h);
        }
    }

    /** The reparameterised sample {@code mean + exp(logvar / 2) * eps} for a standard-normal {@code eps}. */
    public static Value sample(GraphBuilder b, Posterior p, Value eps) {
        try (var s = b.scope("posterior.sample")) {
            Value std = b.exp(b.mul(p.logvar(), b.scalar(0.5f)));
            return b.add(p.mean(), b.mul(std, eps));
        }
    }

    /** post_quant_conv and the decoder body, for composing into larger (training) graphs. */
    public static Value decode(Layers l, KlVaeConfig cfg, Value z) {
        GraphBuilder b = l.builder();
        int levels = cfg.numLevels();
        if (cfg.useQuantConv()) {
            z = l.conv2d("post_quant_conv", z, cfg.embedDim(), cfg.zChannels(), 1, 1, true);
        }
        long c = cfg.levelChannels(levels - 1);
        Value h = l.conv2d("decoder.conv_in", z, cfg.zChannels(), c, 3, 1, true);
        h = mid(l, cfg, "decoder.mid", h, c);
        for (int i = levels - 1; i >= 0; i--) {
            long out = cfg.levelChannels(i);
            for (int j = 0; j < cfg.numResBlocks() + 1; j++) {
                h = resnetBlock(l, cfg, "decoder.up." + i + ".block." + j, h, c, out);
                c = out;
                if (cfg.attnLevels().contains(i)) {
                    h = attnBlock(l, cfg, "decoder.up." + i + ".attn." + j, h, c);
                }
            }
            if (i != 0) {
                h = upsample(l, "decoder.up." + i + ".upsample", h, c);
            }
        }
        h = l.groupNorm("decoder.norm_out", h, cfg.normGroups(), c, KlVaeConfig.NORM_EPS, true);
        try (var s = b.scope("decoder.nonlinearity")) {
            h = b.silu(h);
        }
        return l.conv2d("decoder.conv_out", h, c, cfg.outChannels(), 3, 1, true);
    }

    /** Mid block: ResnetBlock {@code block_1}, AttnBlock {@code attn_1}, ResnetBlock {@code block_2}. */
    static Value mid(Layers l, KlVaeConfig cfg, String name, Value x, long c) {
        x = resnetBlock(l, cfg, name + ".block_1", x, c, c);
        x = attnBlock(l, cfg, name + ".attn_1", x, c);
        return resnetBlock(l, cfg, name + ".block_2", x, c, c);
    }

    /**
     * LDM ResnetBlock without time embedding (dropout is inference-time identity):
     * {@code shortcut(x) + conv2(SiLU(norm2(conv1(SiLU(norm1(x))))))}; the shortcut is
     * {@code nin_shortcut} (1x1 conv) when the channel count changes.
     */
    public static Value resnetBlock(Layers l, KlVaeConfig cfg, String name, Value x, long in, long out) {
        GraphBuilder b = l.builder();
        Value h = l.groupNorm(name + ".norm1", x, cfg.normGroups(), in, KlVaeConfig.NORM_EPS, true);
        try (var s = b.scope(name)) {
            h = b.silu(h);
        }
        h = l.conv2d(name + ".conv1", h, in, out, 3, 1, true);
        h = l.groupNorm(name + ".norm2", h, cfg.normGroups(), out, KlVaeConfig.NORM_EPS, true);
        try (var s = b.scope(name)) {
            h = b.silu(h);
        }
        h = l.conv2d(name + ".conv2", h, out, out, 3, 1, true);
        Value shortcut = in == out ? x : l.conv2d(name + ".nin_shortcut", x, in, out, 1, 1, true);
        try (var s = b.scope(name)) {
            return b.add(shortcut, h);
        }
    }

    /**
     * LDM AttnBlock: single-head self-attention over the h*w positions,
     * {@code x + proj_out(softmax(q k^T / sqrt(c)) v)} with {@code q, k, v} 1x1 convs of {@code norm(x)}.
     */
    public static Value attnBlock(Layers l, KlVaeConfig cfg, String name, Value x, long c) {
        GraphBuilder b = l.builder();
        Value h = l.groupNorm(name + ".norm", x, cfg.normGroups(), c, KlVaeConfig.NORM_EPS, true);
        Value q = l.conv2d(name + ".q", h, c, c, 1, 1, true);
        Value k = l.conv2d(name + ".k", h, c, c, 1, 1, true);
        Value v = l.conv2d(name + ".v", h, c, c, 1, 1, true);
        Value attended;
        try (var s = b.scope(name)) {
            Value shape = b.op("Shape", h);
            // [N, C, H, W] -> [N, H*W, C]: one token per position, channels as features
            Value qt = b.transpose(b.reshape(q, 0, 0, -1), 0, 2, 1);
            Value kt = b.transpose(b.reshape(k, 0, 0, -1), 0, 2, 1);
            Value vt = b.transpose(b.reshape(v, 0, 0, -1), 0, 2, 1);
            Value a = l.attention(qt, kt, vt, (float) (1.0 / Math.sqrt(c)));
            attended = b.op("Reshape", b.transpose(a, 0, 2, 1), shape);
        }
        Value proj = l.conv2d(name + ".proj_out", attended, c, c, 1, 1, true);
        try (var s = b.scope(name)) {
            return b.add(x, proj);
        }
    }

    /** LDM Downsample (with conv): zero-pad right and bottom by one, 3x3 conv with stride 2, no other padding. */
    static Value downsample(Layers l, String name, Value x, long c) {
        return l.conv2d(name + ".conv", x, c, c, 3, 2, new long[] {0, 0, 1, 1}, true);
    }

    /** LDM Upsample (with conv): nearest-neighbour x2, then a 3x3 conv. */
    static Value upsample(Layers l, String name, Value x, long c) {
        try (var s = l.builder().scope(name)) {
            x = l.upsampleNearest2x(x);
        }
        return l.conv2d(name + ".conv", x, c, c, 3, 1, true);
    }

    /** The same value, annotated with a shape the builder could not infer (Split outputs). */
    private static Value shaped(Value v, Shape shape) {
        return v.shape() != null ? v : new Value(v.name(), v.dtype(), shape);
    }
}
