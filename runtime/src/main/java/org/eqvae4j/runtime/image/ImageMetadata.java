package org.eqvae4j.runtime.image;

/**
 * What a file said about its pixels, kept so that results can be written like the input: same sample
 * type, grey stays grey, intensities put back into the input's units, same pixel size. Stored in latent
 * files (as JSON) so that a decoded image looks like the one that was encoded.
 *
 * @param format        "png", "jpeg", "tiff", "bmp", "gif", "pnm", ...
 * @param channels      channels in the file (1 grey, 3 colour; alpha is dropped)
 * @param bitsPerSample 8, 16 or 32
 * @param floatingPoint samples are IEEE floats (32-bit TIFF)
 * @param pages         pages of a multi-page TIFF (the tensor's batch axis), else 1
 * @param pixelSize     physical pixel size, or null when the file has none
 * @param scaling       how raw samples were mapped to [0, 1]
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record ImageMetadata(
        String format,
        int channels,
        int bitsPerSample,
        boolean floatingPoint,
        int pages,
        PixelSize pixelSize,
        IntensityScaling scaling) {

    /** An 8-bit image without metadata: what {@link ImageFiles#writePng} writes. */
    public static ImageMetadata plain8Bit(int channels) {
        return new ImageMetadata("png", channels, 8, false, 1, null, IntensityScaling.linear(8, false));
    }

    public ImageMetadata withPixelSize(PixelSize p) {
        return new ImageMetadata(format, channels, bitsPerSample, floatingPoint, pages, p, scaling);
    }

    public ImageMetadata withPages(int n) {
        return new ImageMetadata(format, channels, bitsPerSample, floatingPoint, n, pixelSize, scaling);
    }

    /** The extension a result of this image gets: TIFF stays TIFF (bit depth, pages, pixel size); the rest is PNG. */
    public String outputExtension() {
        return format.equals("tiff") || floatingPoint || pages > 1 ? "tif" : "png";
    }
}
