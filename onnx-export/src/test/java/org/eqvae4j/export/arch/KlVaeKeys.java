package org.eqvae4j.export.arch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.graph.Tensor;

/**
 * Test-side enumeration of every AutoencoderKL parameter, written from the module trees of LDM's
 * {@code model.py} and diffusers' {@code AutoencoderKL} (not from the code under test): each entry has the
 * LDM name, the diffusers name (both attention namings) and the shapes in either file.
 */
final class KlVaeKeys {
    record Param(String ldm, String diffusers, String diffusersLegacy, long[] ldmShape, long[] diffusersShape) {}

    private final List<Param> params = new ArrayList<>();

    private KlVaeKeys() {}

    static List<Param> of(KlVaeConfig cfg) {
        KlVaeKeys k = new KlVaeKeys();
        k.walk(cfg);
        return k.params;
    }

    private void walk(KlVaeConfig cfg) {
        int levels = cfg.chMult().size();
        long c = cfg.ch();
        conv("encoder.conv_in", "encoder.conv_in", cfg.inChannels(), c, 3);
        for (int i = 0; i < levels; i++) {
            long out = (long) cfg.ch() * cfg.chMult().get(i);
            for (int j = 0; j < cfg.numResBlocks(); j++) {
                resnet("encoder.down." + i + ".block." + j, "encoder.down_blocks." + i + ".resnets." + j, c, out);
                c = out;
                if (cfg.attnLevels().contains(i)) {
                    attn("encoder.down." + i + ".attn." + j, "encoder.down_blocks." + i + ".attentions." + j, c);
                }
            }
            if (i < levels - 1) {
                conv(
                        "encoder.down." + i + ".downsample.conv",
                        "encoder.down_blocks." + i + ".downsamplers.0.conv",
                        c,
                        c,
                        3);
            }
        }
        mid("encoder", c);
        norm("encoder.norm_out", "encoder.conv_norm_out", c);
        conv("encoder.conv_out", "encoder.conv_out", c, 2L * cfg.zChannels(), 3);
        if (cfg.useQuantConv()) {
            conv("quant_conv", "quant_conv", 2L * cfg.zChannels(), 2L * cfg.embedDim(), 1);
            conv("post_quant_conv", "post_quant_conv", cfg.embedDim(), cfg.zChannels(), 1);
        }
        c = (long) cfg.ch() * cfg.chMult().get(levels - 1);
        conv("decoder.conv_in", "decoder.conv_in", cfg.zChannels(), c, 3);
        mid("decoder", c);
        // diffusers' up_blocks run in forward order (lowest resolution first); LDM's up.i is indexed by level
        for (int k = 0; k < levels; k++) {
            int i = levels - 1 - k;
            long out = (long) cfg.ch() * cfg.chMult().get(i);
            for (int j = 0; j < cfg.numResBlocks() + 1; j++) {
                resnet("decoder.up." + i + ".block." + j, "decoder.up_blocks." + k + ".resnets." + j, c, out);
                c = out;
                if (cfg.attnLevels().contains(i)) {
                    attn("decoder.up." + i + ".attn." + j, "decoder.up_blocks." + k + ".attentions." + j, c);
                }
            }
            if (i > 0) {
                conv("decoder.up." + i + ".upsample.conv", "decoder.up_blocks." + k + ".upsamplers.0.conv", c, c, 3);
            }
        }
        norm("decoder.norm_out", "decoder.conv_norm_out", c);
        conv("decoder.conv_out", "decoder.conv_out", c, cfg.outChannels(), 3);
    }

    private void mid(String side, long c) {
        resnet(side + ".mid.block_1", side + ".mid_block.resnets.0", c, c);
        attn(side + ".mid.attn_1", side + ".mid_block.attentions.0", c);
        resnet(side + ".mid.block_2", side + ".mid_block.resnets.1", c, c);
    }

    private void resnet(String ldm, String diff, long in, long out) {
        norm(ldm + ".norm1", diff + ".norm1", in);
        conv(ldm + ".conv1", diff + ".conv1", in, out, 3);
        norm(ldm + ".norm2", diff + ".norm2", out);
        conv(ldm + ".conv2", diff + ".conv2", out, out, 3);
        if (in != out) {
            conv(ldm + ".nin_shortcut", diff + ".conv_shortcut", in, out, 1);
        }
    }

    private void attn(String ldm, String diff, long c) {
        add(ldm + ".norm.weight", diff + ".group_norm.weight", diff + ".group_norm.weight", new long[] {c}, new long[] {
            c
        });
        add(ldm + ".norm.bias", diff + ".group_norm.bias", diff + ".group_norm.bias", new long[] {c}, new long[] {c});
        String[][] proj = {
            {"q", "to_q", "query"}, {"k", "to_k", "key"}, {"v", "to_v", "value"}, {"proj_out", "to_out.0", "proj_attn"}
        };
        for (String[] p : proj) {
            add(
                    ldm + "." + p[0] + ".weight",
                    diff + "." + p[1] + ".weight",
                    diff + "." + p[2] + ".weight",
                    new long[] {c, c, 1, 1},
                    new long[] {c, c});
            add(
                    ldm + "." + p[0] + ".bias",
                    diff + "." + p[1] + ".bias",
                    diff + "." + p[2] + ".bias",
                    new long[] {c},
                    new long[] {c});
        }
    }

    private void conv(String ldm, String diff, long in, long out, int k) {
        add(ldm + ".weight", diff + ".weight", diff + ".weight", new long[] {out, in, k, k}, new long[] {out, in, k, k
        });
        add(ldm + ".bias", diff + ".bias", diff + ".bias", new long[] {out}, new long[] {out});
    }

    private void norm(String ldm, String diff, long c) {
        add(ldm + ".weight", diff + ".weight", diff + ".weight", new long[] {c}, new long[] {c});
        add(ldm + ".bias", diff + ".bias", diff + ".bias", new long[] {c}, new long[] {c});
    }

    private void add(String ldm, String diff, String legacy, long[] ldmShape, long[] diffShape) {
        params.add(new Param(ldm, diff, legacy, ldmShape, diffShape));
    }

    /** The checkpoint layouts a test can build. */
    enum Layout {
        LDM,
        LDM_FULL,
        DIFFUSERS,
        DIFFUSERS_LEGACY
    }

    /**
     * A state dict with random values: conv/linear weights U(-1,1)/sqrt(fan_in), norm scales 1 +/- 0.2,
     * biases +/- 0.2. The values depend on the seed and the LDM name only, so every layout holds the same numbers.
     */
    static Map<String, Tensor> stateDict(KlVaeConfig cfg, Layout layout, long seed) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Param p : of(cfg)) {
            float[] v = values(p.ldm(), p.ldmShape(), seed);
            String key = switch (layout) {
                case LDM -> p.ldm();
                case LDM_FULL -> "first_stage_model." + p.ldm();
                case DIFFUSERS -> p.diffusers();
                case DIFFUSERS_LEGACY -> p.diffusersLegacy();
            };
            long[] shape =
                    layout == Layout.DIFFUSERS || layout == Layout.DIFFUSERS_LEGACY ? p.diffusersShape() : p.ldmShape();
            sd.put(key, Tensor.ofFloats(key, shape, v));
        }
        return sd;
    }

    static float[] values(String name, long[] shape, long seed) {
        int n = Math.toIntExact(Tensor.numElements(shape));
        SplittableRandom r = new SplittableRandom(seed * 31 + name.hashCode());
        float[] v = new float[n];
        boolean vector = shape.length == 1;
        double bound = vector ? 0.2 : 1.0 / Math.sqrt(n / (double) shape[0]);
        double offset = vector && name.endsWith(".weight") ? 1 : 0;
        for (int i = 0; i < n; i++) {
            v[i] = (float) (offset + r.nextDouble(-bound, bound));
        }
        return v;
    }

    static long parameterCount(KlVaeConfig cfg) {
        return of(cfg).stream().mapToLong(p -> Tensor.numElements(p.ldmShape())).sum();
    }
}
