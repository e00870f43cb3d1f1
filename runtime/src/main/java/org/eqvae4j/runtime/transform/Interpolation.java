package org.eqvae4j.runtime.transform;

/**
 * Resampling kernels, with PyTorch's {@code F.interpolate(..., align_corners=False, antialias=False)}
 * semantics: source coordinate = (dst + 0.5) / scale - 0.5, borders clamped. This is the convention of
 * the EQ-VAE reference code for both latents and images.
 */
public enum Interpolation {
    /** Nearest neighbour, PyTorch "nearest": src = floor(dst / scale). */
    NEAREST,
    /** Bilinear (the EQ-VAE default). */
    BILINEAR,
    /** Bicubic with a = -0.75 (PyTorch's), the paper text's variant. */
    BICUBIC,
    /**
     * Area averaging, PyTorch "area" (adaptive average pooling): output o averages the source pixels
     * [floor(o*in/out), ceil((o+1)*in/out)) with equal weights. Anti-aliased downscaling for data and
     * evaluation images; not used for latents.
     */
    AREA
}
