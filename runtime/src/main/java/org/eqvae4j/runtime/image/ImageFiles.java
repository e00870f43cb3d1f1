package org.eqvae4j.runtime.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Reads and writes images as float tensors in [0, 1]. {@link #read} gives the first page as
 * [1, C, H, W] with integer samples divided by the type's maximum (255 for 8-bit, 65535 for 16-bit),
 * exactly reversible on writing. {@link #readImage} gives every page of a multi-page TIFF as the batch
 * axis, with an {@link IntensityMapping} (linear or percentile) and the file's {@link ImageMetadata};
 * {@link #write} puts results back into that form. Alpha is dropped. Formats: PNG, JPEG, TIFF, BMP, GIF
 * (ImageIO) and PNM, PCX, PSD (Apache Commons Imaging), see {@link ImageReading}.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** The first page, linear scaling: [1, C, H, W]. */
    public static FloatTensor read(Path file) throws IOException {
        return ImageReading.read(file, IntensityMapping.LINEAR, true, DecodeLimits.fromSystemProperties(), true)
                .pixels();
    }

    /** Every page ([pages, C, H, W]), mapped to [0, 1] as {@code mapping} says, with the file's metadata. */
    public static ImageData readImage(Path file, IntensityMapping mapping) throws IOException {
        return ImageReading.read(file, mapping, false, DecodeLimits.fromSystemProperties(), true);
    }

    /**
     * Like {@link #readImage(Path, IntensityMapping)} within the given budgets, leaving NaN and infinite
     * float values for the caller to find (latent files name the channel and position).
     */
    public static ImageData readImage(Path file, IntensityMapping mapping, DecodeLimits limits) throws IOException {
        return ImageReading.read(file, mapping, false, limits, false);
    }

    /**
     * Every page of an image held in memory (e.g. a Spark binaryFile row's content), exactly as
     * {@link #readImage(Path, IntensityMapping)} reads the same bytes from a file.
     *
     * @param name names the image in messages, e.g. the path it came from
     */
    public static ImageData readImage(byte[] bytes, String name, IntensityMapping mapping) throws IOException {
        return ImageReading.read(bytes, name, mapping, false, DecodeLimits.fromSystemProperties(), true);
    }

    /** {@link #readImage(byte[], String, IntensityMapping)} within the given budgets, leaving NaN checks to the caller. */
    public static ImageData readImage(byte[] bytes, String name, IntensityMapping mapping, DecodeLimits limits)
            throws IOException {
        return ImageReading.read(bytes, name, mapping, false, limits, false);
    }

    /**
     * The bytes {@link #write(FloatTensor, ImageMetadata, Path)} puts into a file, into a stream instead.
     *
     * @param container "png" or "tiff"
     * @param name      names the image in messages
     */
    public static void write(FloatTensor pixels, ImageMetadata like, OutputStream out, String container, String name)
            throws IOException {
        if (!container.equals("png") && !container.equals("tiff")) {
            throw new IllegalArgumentException("cannot write image " + name + " as '" + container + "': png or tiff");
        }
        ImageWriting.write(pixels, like, out, name, container);
    }

    /**
     * Writes pixels in [0, 1] like {@code like} (sample type, grey or colour, intensity units, pixel size),
     * as PNG or TIFF by the file name's extension, atomically. A batch becomes TIFF pages.
     */
    public static void write(FloatTensor pixels, ImageMetadata like, Path file) throws IOException {
        ImageWriting.write(pixels, like, file);
    }

    static FloatTensor toTensor(BufferedImage img, Path file) throws IOException {
        return ImageReading.toTensor(img, file);
    }

    /**
     * An in-memory image as [1, C, H, W] in [0, 1], by the same rules as files (integer samples divided by
     * their maximum, alpha dropped, grey stays one channel): for images that come from elsewhere, e.g. DJL.
     */
    public static FloatTensor fromBufferedImage(BufferedImage img) throws IOException {
        return ImageReading.toTensor(img, Path.of("<in-memory image>"));
    }

    /** Grey to RGB by repeating the channel, or RGB to grey by ITU-R BT.601 luma, to match a model. */
    public static FloatTensor toChannels(FloatTensor x, int channels) {
        if (x.channels() == channels) {
            return x;
        }
        int plane = x.height() * x.width();
        float[] out = new float[x.batch() * channels * plane];
        for (int n = 0; n < x.batch(); n++) {
            if (x.channels() == 1 && channels == 3) {
                for (int ch = 0; ch < 3; ch++) {
                    System.arraycopy(x.data(), n * plane, out, (n * 3 + ch) * plane, plane);
                }
            } else if (x.channels() == 3 && channels == 1) {
                for (int i = 0; i < plane; i++) {
                    int b = n * 3 * plane;
                    out[n * plane + i] = 0.299f * x.data()[b + i]
                            + 0.587f * x.data()[b + plane + i]
                            + 0.114f * x.data()[b + 2 * plane + i];
                }
            } else {
                throw new IllegalArgumentException("cannot convert " + x.channels() + " channels to " + channels);
            }
        }
        return new FloatTensor(x.batch(), channels, x.height(), x.width(), out);
    }

    /** Writes sample 0 as an 8-bit PNG (values clamped to [0, 1], rounded), atomically. */
    public static void writePng(FloatTensor x, Path file) throws IOException {
        if (x.channels() != 1 && x.channels() != 3) {
            throw new IllegalArgumentException(
                    "cannot write a " + x.channels() + "-channel tensor as PNG " + file + " (1 or 3 channels)");
        }
        ImageWriting.write(x.batch() == 1 ? x : x.sample(0), ImageMetadata.plain8Bit(x.channels()), file, "png");
    }

    /** The one pixel quantisation: clamp to [0,1], scale to 255, round half up. */
    public static int toByte(float v) {
        float c = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
        return Math.round(c * 255f);
    }
}
