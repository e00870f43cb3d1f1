package org.eqvae4j.export.arch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eqvae4j.export.graph.Tensor;

/**
 * Translates between diffusers {@code AutoencoderKL} state-dict names and the LDM names that
 * {@link KlAutoencoder} uses, in both directions:
 *
 * <pre>
 * LDM                                       diffusers
 * {encoder,decoder}.conv_in / conv_out      (same)
 * encoder.down.i.block.j.*                  encoder.down_blocks.i.resnets.j.*
 * encoder.down.i.attn.j.*                   encoder.down_blocks.i.attentions.j.*
 * encoder.down.i.downsample.conv            encoder.down_blocks.i.downsamplers.0.conv
 * decoder.up.i.block.j.*                    decoder.up_blocks.(L-1-i).resnets.j.*       (L = number of levels;
 * decoder.up.i.attn.j.*                     decoder.up_blocks.(L-1-i).attentions.j.*     diffusers counts up
 * decoder.up.i.upsample.conv                decoder.up_blocks.(L-1-i).upsamplers.0.conv  blocks from the bottom)
 * *.mid.block_1 / block_2                   *.mid_block.resnets.0 / 1
 * *.mid.attn_1                              *.mid_block.attentions.0
 * *.norm_out                                *.conv_norm_out
 * ResnetBlock nin_shortcut                  conv_shortcut
 * AttnBlock norm, q, k, v, proj_out         group_norm, to_q, to_k, to_v, to_out.0   (diffusers >= 0.14)
 *                                           group_norm, query, key, value, proj_attn (older files)
 * quant_conv, post_quant_conv               (same)
 * </pre>
 *
 * Attention projections are 1x1 convs [c, c, 1, 1] in LDM and Linear layers [c, c] in diffusers; the
 * numbers are the same. {@link #toLdm(Map)} reshapes them; loading through {@link KlVaeWeights} accepts
 * either shape without copying the map.
 */
public final class DiffusersVaeNames {
    private DiffusersVaeNames() {}

    /** The two generations of attention parameter names in diffusers VAE files. */
    public enum AttentionNames {
        /** {@code to_q, to_k, to_v, to_out.0} (diffusers' {@code Attention}, since 0.14). */
        TO_Q("to_q", "to_k", "to_v", "to_out.0"),
        /** {@code query, key, value, proj_attn} (diffusers' older {@code AttentionBlock}). */
        LEGACY("query", "key", "value", "proj_attn");

        private final String q;
        private final String k;
        private final String v;
        private final String out;

        AttentionNames(String q, String k, String v, String out) {
            this.q = q;
            this.k = k;
            this.v = v;
            this.out = out;
        }
    }

    private static final Pattern DIFFUSERS_KEY =
            Pattern.compile("^(encoder|decoder)\\.(down_blocks|up_blocks|mid_block|conv_norm_out)\\..*");
    private static final Pattern LEVEL =
            Pattern.compile("^(?:encoder\\.down_blocks|decoder\\.up_blocks)\\.(\\d+)\\..*");

    private static final Pattern LDM_LEVEL =
            Pattern.compile("^(encoder\\.down|decoder\\.up)\\.(\\d+)\\.(block|attn)\\.(\\d+)\\.(.+)$");
    private static final Pattern LDM_RESAMPLE =
            Pattern.compile("^(encoder\\.down|decoder\\.up)\\.(\\d+)\\.(downsample|upsample)\\.(.+)$");
    private static final Pattern LDM_MID =
            Pattern.compile("^(encoder|decoder)\\.mid\\.(block_1|block_2|attn_1)\\.(.+)$");
    private static final Pattern LDM_NORM_OUT = Pattern.compile("^(encoder|decoder)\\.norm_out\\.(.+)$");

    private static final Pattern D_LEVEL = Pattern.compile(
            "^(encoder\\.down_blocks|decoder\\.up_blocks)\\.(\\d+)\\.(resnets|attentions)\\.(\\d+)\\.(.+)$");
    private static final Pattern D_RESAMPLE = Pattern.compile(
            "^(encoder\\.down_blocks|decoder\\.up_blocks)\\.(\\d+)\\.(downsamplers|upsamplers)\\.0\\.(.+)$");
    private static final Pattern D_MID =
            Pattern.compile("^(encoder|decoder)\\.mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)$");
    private static final Pattern D_NORM_OUT = Pattern.compile("^(encoder|decoder)\\.conv_norm_out\\.(.+)$");
    private static final Pattern LDM_ATTN_PROJECTION = Pattern.compile(
            "^(encoder|decoder)\\.(mid\\.attn_1|down\\.\\d+\\.attn\\.\\d+|up\\.\\d+\\.attn\\.\\d+)\\.(q|k|v|proj_out)\\.weight$");

    /** Whether these state-dict keys are in diffusers' layout (rather than LDM's). */
    public static boolean isDiffusers(Collection<String> keys) {
        return keys.stream().anyMatch(k -> DIFFUSERS_KEY.matcher(k).matches());
    }

    /** Which attention names a diffusers file uses ({@link AttentionNames#TO_Q} when it has no legacy names). */
    public static AttentionNames attentionNames(Collection<String> keys) {
        return keys.stream()
                        .anyMatch(
                                k -> k.contains(".attentions.") && (k.contains(".query.") || k.contains(".proj_attn.")))
                ? AttentionNames.LEGACY
                : AttentionNames.TO_Q;
    }

    /** Number of resolution levels in a diffusers file: 1 + the highest down/up block index (0 when none). */
    public static int levels(Collection<String> keys) {
        int max = -1;
        for (String k : keys) {
            Matcher m = LEVEL.matcher(k);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    /**
     * The diffusers name of an LDM parameter name; names that diffusers spells the same way
     * ({@code encoder.conv_in.weight}, {@code quant_conv.bias}) and names this mapping does not know
     * come back unchanged.
     *
     * @param levels number of resolution levels (decoder block indices count from the other end)
     */
    public static String toDiffusers(String ldmName, int levels, AttentionNames attention) {
        Matcher m = LDM_LEVEL.matcher(ldmName);
        if (m.matches()) {
            boolean enc = m.group(1).startsWith("encoder");
            int level = flip(enc, Integer.parseInt(m.group(2)), levels);
            String prefix = (enc ? "encoder.down_blocks." : "decoder.up_blocks.") + level;
            return m.group(3).equals("block")
                    ? prefix + ".resnets." + m.group(4) + "." + resnetLeafToDiffusers(m.group(5))
                    : prefix + ".attentions." + m.group(4) + "." + attnLeafToDiffusers(m.group(5), attention);
        }
        m = LDM_RESAMPLE.matcher(ldmName);
        if (m.matches()) {
            boolean enc = m.group(1).startsWith("encoder");
            int level = flip(enc, Integer.parseInt(m.group(2)), levels);
            return enc
                    ? "encoder.down_blocks." + level + ".downsamplers.0." + m.group(4)
                    : "decoder.up_blocks." + level + ".upsamplers.0." + m.group(4);
        }
        m = LDM_MID.matcher(ldmName);
        if (m.matches()) {
            String prefix = m.group(1) + ".mid_block.";
            return switch (m.group(2)) {
                case "block_1" -> prefix + "resnets.0." + resnetLeafToDiffusers(m.group(3));
                case "block_2" -> prefix + "resnets.1." + resnetLeafToDiffusers(m.group(3));
                default -> prefix + "attentions.0." + attnLeafToDiffusers(m.group(3), attention);
            };
        }
        m = LDM_NORM_OUT.matcher(ldmName);
        if (m.matches()) {
            return m.group(1) + ".conv_norm_out." + m.group(2);
        }
        return ldmName;
    }

    /**
     * The LDM name of a diffusers state-dict key (either attention naming); keys spelled the same way
     * and keys this mapping does not know come back unchanged.
     *
     * @param levels number of resolution levels (see {@link #levels(Collection)})
     */
    public static String toLdm(String diffusersKey, int levels) {
        Matcher m = D_LEVEL.matcher(diffusersKey);
        if (m.matches()) {
            boolean enc = m.group(1).startsWith("encoder");
            int level = flip(enc, Integer.parseInt(m.group(2)), levels);
            String prefix = (enc ? "encoder.down." : "decoder.up.") + level;
            return m.group(3).equals("resnets")
                    ? prefix + ".block." + m.group(4) + "." + resnetLeafToLdm(m.group(5))
                    : prefix + ".attn." + m.group(4) + "." + attnLeafToLdm(m.group(5));
        }
        m = D_RESAMPLE.matcher(diffusersKey);
        if (m.matches()) {
            boolean enc = m.group(1).startsWith("encoder");
            int level = flip(enc, Integer.parseInt(m.group(2)), levels);
            return enc
                    ? "encoder.down." + level + ".downsample." + m.group(4)
                    : "decoder.up." + level + ".upsample." + m.group(4);
        }
        m = D_MID.matcher(diffusersKey);
        if (m.matches()) {
            String prefix = m.group(1) + ".mid.";
            if (m.group(2).equals("attentions") && m.group(3).equals("0")) {
                return prefix + "attn_1." + attnLeafToLdm(m.group(4));
            }
            if (m.group(2).equals("resnets")
                    && (m.group(3).equals("0") || m.group(3).equals("1"))) {
                return prefix + "block_" + (Integer.parseInt(m.group(3)) + 1) + "." + resnetLeafToLdm(m.group(4));
            }
            return diffusersKey;
        }
        m = D_NORM_OUT.matcher(diffusersKey);
        if (m.matches()) {
            return m.group(1) + ".norm_out." + m.group(2);
        }
        return diffusersKey;
    }

    /**
     * A diffusers AutoencoderKL state dict renamed to LDM names (levels and attention naming detected
     * from the keys), with attention Linear weights [c, c] reshaped to 1x1 conv weights [c, c, 1, 1].
     * Keys the mapping does not know are kept as they are.
     */
    public static Map<String, Tensor> toLdm(Map<String, Tensor> diffusers) {
        int levels = levels(diffusers.keySet());
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : diffusers.entrySet()) {
            String name = toLdm(e.getKey(), levels);
            Tensor t = e.getValue().renamed(name);
            if (t.rank() == 2 && LDM_ATTN_PROJECTION.matcher(name).matches()) {
                long[] d = t.dims();
                t = t.reshaped(d[0], d[1], 1, 1);
            }
            if (out.put(name, t) != null) {
                throw new IllegalArgumentException(
                        "diffusers keys map twice onto " + name + " (mixed attention names?)");
            }
        }
        return out;
    }

    private static int flip(boolean encoder, int level, int levels) {
        return encoder ? level : levels - 1 - level;
    }

    private static String resnetLeafToDiffusers(String leaf) {
        return leaf.startsWith("nin_shortcut.") ? "conv_shortcut." + leaf.substring("nin_shortcut.".length()) : leaf;
    }

    private static String resnetLeafToLdm(String leaf) {
        return leaf.startsWith("conv_shortcut.") ? "nin_shortcut." + leaf.substring("conv_shortcut.".length()) : leaf;
    }

    private static String attnLeafToDiffusers(String leaf, AttentionNames a) {
        int dot = leaf.indexOf('.');
        if (dot < 0) {
            return leaf;
        }
        String module = leaf.substring(0, dot);
        String param = leaf.substring(dot);
        return switch (module) {
            case "norm" -> "group_norm" + param;
            case "q" -> a.q + param;
            case "k" -> a.k + param;
            case "v" -> a.v + param;
            case "proj_out" -> a.out + param;
            default -> leaf;
        };
    }

    private static String attnLeafToLdm(String leaf) {
        for (String[] pair : new String[][] {
            {"group_norm.", "norm."},
            {"to_q.", "q."},
            {"to_k.", "k."},
            {"to_v.", "v."},
            {"to_out.0.", "proj_out."},
            {"query.", "q."},
            {"key.", "k."},
            {"value.", "v."},
            {"proj_attn.", "proj_out."}
        }) {
            if (leaf.startsWith(pair[0])) {
                return pair[1] + leaf.substring(pair[0].length());
            }
        }
        return leaf;
    }
}
