package org.eqvae4j.export.arch;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eqvae4j.runtime.tensor.ValueRange;

/**
 * The LDM AutoencoderKL (Stable Diffusion VAE family), described by the fields of its LDM
 * {@code ddconfig} / diffusers {@code AutoencoderKL} config.
 *
 * <p>Always {@code double_z}: the encoder emits {@code 2 * zChannels} channels that {@code quant_conv}
 * turns into the posterior's mean and log-variance (LDM's AutoencoderKL asserts {@code double_z}).
 * GroupNorm epsilon is fixed at {@link #NORM_EPS} (LDM's {@code Normalize}, diffusers' {@code norm_eps}).
 *
 * @param inChannels     image channels into the encoder (LDM {@code in_channels})
 * @param outChannels    image channels out of the decoder (LDM {@code out_ch})
 * @param ch             base channels (LDM {@code ch}; diffusers {@code block_out_channels[0]})
 * @param chMult         channel multiplier per resolution level (LDM {@code ch_mult}); its length is the
 *                       number of levels, and the downsampling factor is {@code 2^(levels-1)}
 * @param numResBlocks   ResnetBlocks per level in the encoder; the decoder has one more per level
 *                       (LDM {@code num_res_blocks}; diffusers {@code layers_per_block})
 * @param attnLevels     levels (0 = full resolution) whose ResnetBlocks are each followed by an AttnBlock,
 *                       in the encoder and the decoder. LDM names these by resolution
 *                       ({@code attn_resolutions}); see {@link #levelsOf(int, int, int...)}. Empty for SD;
 *                       the mid blocks always have one attention block.
 * @param zChannels      channels of the encoder output / decoder input (LDM {@code z_channels})
 * @param embedDim       latent channels after {@code quant_conv} (LDM {@code embed_dim}; diffusers
 *                       {@code latent_channels})
 * @param normGroups     GroupNorm groups (32 in LDM/SD; small configs may need fewer)
 * @param useQuantConv   whether {@code quant_conv} / {@code post_quant_conv} exist (true for LDM/SD 1-2/SDXL;
 *                       false for the SD3 / FLUX.1 VAEs, where then {@code embedDim == zChannels})
 * @param scalingFactor  latent scale: a diffusion model sees {@code (latent - shiftFactor) * scalingFactor}.
 *                       Stored for bundles and users; not applied inside the graphs.
 * @param shiftFactor    latent shift (0 for SD 1.x/2.x/SDXL)
 * @param valueRange     the image value range (SD works in [-1, 1]); not applied inside the graphs
 */
public record KlVaeConfig(
        int inChannels,
        int outChannels,
        int ch,
        List<Integer> chMult,
        int numResBlocks,
        Set<Integer> attnLevels,
        int zChannels,
        int embedDim,
        int normGroups,
        boolean useQuantConv,
        float scalingFactor,
        float shiftFactor,
        ValueRange valueRange) {

    /** GroupNorm epsilon of every norm layer. */
    public static final float NORM_EPS = 1e-6f;
    /** Lower bound of the clamped log-variance (LDM's DiagonalGaussianDistribution). */
    public static final float LOGVAR_MIN = -30f;
    /** Upper bound of the clamped log-variance. */
    public static final float LOGVAR_MAX = 20f;

    public KlVaeConfig {
        chMult = List.copyOf(chMult);
        attnLevels = Set.copyOf(new TreeSet<>(attnLevels));
        require(inChannels > 0 && outChannels > 0, "image channels must be positive");
        require(ch > 0, "ch must be positive");
        require(!chMult.isEmpty(), "chMult needs at least one level");
        require(chMult.stream().allMatch(m -> m != null && m > 0), "chMult entries must be positive: " + chMult);
        require(numResBlocks >= 1, "numResBlocks must be >= 1");
        require(zChannels > 0 && embedDim > 0, "zChannels and embedDim must be positive");
        require(normGroups > 0, "normGroups must be positive");
        require(
                useQuantConv || embedDim == zChannels,
                "without quant convs, embedDim (" + embedDim + ") must equal zChannels (" + zChannels + ")");
        for (int level : attnLevels) {
            require(
                    level >= 0 && level < chMult.size(),
                    "attention level " + level + " is not one of the " + chMult.size() + " levels");
        }
        require(ch % normGroups == 0, "ch " + ch + " is not divisible by normGroups " + normGroups);
        for (int m : chMult) {
            require(
                    ch * m % normGroups == 0,
                    "level width " + ch * m + " (ch " + ch + " x " + m + ") is not divisible by normGroups "
                            + normGroups);
        }
        require(Float.isFinite(scalingFactor) && scalingFactor != 0, "scalingFactor must be finite and non-zero");
        require(Float.isFinite(shiftFactor), "shiftFactor must be finite");
        require(valueRange != null, "valueRange is required");
    }

    /**
     * The Stable Diffusion 1.x/2.x VAE (LDM {@code kl-f8}): ch 128, ch_mult [1,2,4,4], 2 res blocks,
     * no level attention, z 4, GroupNorm 32, latent scale 0.18215, images in [-1, 1]. About 83.7 M parameters.
     */
    public static KlVaeConfig sdVae() {
        return new KlVaeConfig(
                3, 3, 128, List.of(1, 2, 4, 4), 2, Set.of(), 4, 4, 32, true, 0.18215f, 0f, ValueRange.MINUS_ONE_TO_ONE);
    }

    /**
     * A small KL-VAE that trains on a CPU: ch 32, ch_mult [1,2,2] (f = 4), 1 res block, z 4, GroupNorm 8,
     * images in [-1, 1]. The scaling factor is a placeholder (1); measure the latent std after training.
     */
    public static KlVaeConfig small() {
        return new KlVaeConfig(
                3, 3, 32, List.of(1, 2, 2), 1, Set.of(), 4, 4, 8, true, 1f, 0f, ValueRange.MINUS_ONE_TO_ONE);
    }

    /** Number of resolution levels ({@code len(ch_mult)}). */
    public int numLevels() {
        return chMult.size();
    }

    /** Spatial downsampling factor, {@code 2^(levels-1)}. */
    public int downsamplingFactor() {
        return 1 << (numLevels() - 1);
    }

    /** Channels of the ResnetBlocks at a level ({@code ch * ch_mult[level]}). */
    public int levelChannels(int level) {
        return ch * chMult.get(level);
    }

    /** A copy with other GroupNorm groups. */
    public KlVaeConfig withNormGroups(int groups) {
        return new KlVaeConfig(
                inChannels,
                outChannels,
                ch,
                chMult,
                numResBlocks,
                attnLevels,
                zChannels,
                embedDim,
                groups,
                useQuantConv,
                scalingFactor,
                shiftFactor,
                valueRange);
    }

    /** A copy with attention after the ResnetBlocks of these levels. */
    public KlVaeConfig withAttnLevels(Set<Integer> levels) {
        return new KlVaeConfig(
                inChannels,
                outChannels,
                ch,
                chMult,
                numResBlocks,
                levels,
                zChannels,
                embedDim,
                normGroups,
                useQuantConv,
                scalingFactor,
                shiftFactor,
                valueRange);
    }

    /**
     * LDM's {@code attn_resolutions} as level indices: level {@code i} runs at {@code resolution / 2^i}.
     *
     * @throws IllegalArgumentException when a resolution is not that of any level
     */
    public static Set<Integer> levelsOf(int resolution, int numLevels, int... attnResolutions) {
        Set<Integer> levels = new TreeSet<>();
        for (int r : attnResolutions) {
            int level = -1;
            for (int i = 0; i < numLevels; i++) {
                if (resolution >> i == r) {
                    level = i;
                }
            }
            require(
                    level >= 0,
                    "attention resolution " + r + " is not a level of resolution " + resolution + " with " + numLevels
                            + " levels");
            levels.add(level);
        }
        return levels;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("KlVaeConfig: " + message);
        }
    }
}
