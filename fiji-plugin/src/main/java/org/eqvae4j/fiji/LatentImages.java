package org.eqvae4j.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.util.Arrays;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * A latent as an ImageJ image: a 32-bit hyperstack with one channel per latent channel and one frame per
 * encoded plane (N x C planes of h x w, the order of the runtime's latent files), carrying the latent
 * file header (bundle id, downsampling factor, shape, transforms, the source image's metadata) as the
 * image property {@value #HEADER} and in its Info, and the source's {@link PlaneLayout} as {@value #LAYOUT}.
 * Calibrated in the source's units: a latent pixel is f source pixels wide. Saved as TIFF from Fiji, it
 * keeps both; a {@code .latent.tif} written by {@code eqvae encode} opens as a plain stack whose Info is
 * the header JSON, and is read too.
 */
public final class LatentImages {
    public static final String HEADER = "eqvae.latent";
    public static final String LAYOUT = "eqvae.layout";

    /** A latent image read back: the values with their header, and how to lay out the decoded planes. */
    public record LatentImage(Latent latent, PlaneLayout layout) {}

    private LatentImages() {}

    public static ImagePlus toImagePlus(Latent latent, PlaneLayout layout, String title) {
        FloatTensor z = latent.values();
        if (z.batch() != layout.items()) {
            throw new IllegalArgumentException(
                    "latent of " + z.batch() + " images does not match the layout " + layout);
        }
        int plane = z.height() * z.width();
        ImageStack stack = new ImageStack(z.width(), z.height());
        for (int n = 0; n < z.batch(); n++) {
            for (int c = 0; c < z.channels(); c++) {
                float[] v = Arrays.copyOfRange(z.data(), z.index(n, c, 0, 0), z.index(n, c, 0, 0) + plane);
                stack.addSlice(
                        "latent " + (c + 1) + ", image " + (n + 1), new FloatProcessor(z.width(), z.height(), v));
            }
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(z.channels(), 1, z.batch());
        imp.setOpenAsHyperStack(true);
        LatentHeader h = latent.header();
        String json = LatentFile.headerJson(h);
        imp.setProp(HEADER, json);
        imp.setProp(LAYOUT, layout.toString());
        ImageMetadata source = h.source();
        PixelSize px = source == null ? null : source.pixelSize();
        if (px != null) {
            Calibration cal = imp.getCalibration();
            cal.pixelWidth = px.x() * h.downsamplingFactor();
            cal.pixelHeight = px.y() * h.downsamplingFactor();
            cal.setUnit(px.unit());
        }
        imp.setProperty(
                "Info",
                "EQ-VAE latent\n"
                        + "bundle: " + h.bundleId() + "\n"
                        + "downsampling factor: " + h.downsamplingFactor() + "\n"
                        + "latent channels: " + h.latentChannels() + "\n"
                        + "shape (N, C, h, w): " + Arrays.toString(h.shape()) + "\n"
                        + "transforms: " + (h.transforms().isEmpty() ? "none" : String.join(", ", h.transforms()))
                        + "\n"
                        + "source: " + (h.sourceFile() == null ? "?" : h.sourceFile()) + "\n"
                        + HEADER + ": " + json + "\n"
                        + LAYOUT + ": " + layout + "\n");
        imp.resetDisplayRange();
        return imp;
    }

    /** True when the image carries a latent header. */
    public static boolean isLatent(ImagePlus imp) {
        return imp != null && headerText(imp) != null;
    }

    /** Reads a latent image; the message names the image and what is wrong. */
    public static LatentImage read(ImagePlus imp) throws IOException {
        ImagePlusTensors.checked(imp);
        String where = "image '" + imp.getTitle() + "'";
        String json = headerText(imp);
        if (json == null) {
            throw new IOException(where + " is not an EQ-VAE latent: it carries no " + HEADER + " header (make one with"
                    + " EQ-VAE Encode, or open a .latent.tif written by eqvae encode)");
        }
        LatentHeader h = LatentFile.parseHeader(json, where);
        long[] s = h.shape();
        if (s == null || s.length != 4) {
            throw new IOException(where + ": latent header has no NCHW shape");
        }
        if (imp.getBitDepth() != 32
                || imp.getStackSize() != s[0] * s[1]
                || imp.getHeight() != s[2]
                || imp.getWidth() != s[3]) {
            throw new IOException(where + ": its header says " + s[0] + " x " + s[1] + " planes of " + s[2] + "x" + s[3]
                    + " float values, the image has " + imp.getStackSize() + " " + imp.getBitDepth() + "-bit planes of "
                    + imp.getHeight() + "x" + imp.getWidth() + " (was it edited?)");
        }
        int plane = imp.getWidth() * imp.getHeight();
        float[] values = new float[Math.toIntExact(imp.getStackSize() * (long) plane)];
        ImageStack stack = imp.getStack();
        for (int i = 0; i < imp.getStackSize(); i++) {
            ImageProcessor ip = stack.getProcessor(i + 1);
            System.arraycopy((float[]) ip.getPixels(), 0, values, i * plane, plane);
        }
        FloatTensor z = new FloatTensor((int) s[0], (int) s[1], (int) s[2], (int) s[3], values);
        return new LatentImage(new Latent(z, h), layout(imp, h));
    }

    private static PlaneLayout layout(ImagePlus imp, LatentHeader h) {
        String text = property(imp, LAYOUT);
        if (text != null) {
            return PlaneLayout.parse(text);
        }
        // a latent file written by the command line: its pages were the source's pages
        int n = (int) h.shape()[0];
        ImageMetadata src = h.source();
        if (src != null && src.channels() == 3) {
            return src.bitsPerSample() == 8 && !src.floatingPoint()
                    ? new PlaneLayout(PlaneLayout.Mode.RGB, 1, n, 1)
                    : new PlaneLayout(PlaneLayout.Mode.CHANNELS, 3, n, 1);
        }
        return new PlaneLayout(PlaneLayout.Mode.PLANES, 1, n, 1);
    }

    private static String headerText(ImagePlus imp) {
        String json = property(imp, HEADER);
        if (json != null) {
            return json;
        }
        // a latent file of the command line: its header is the TIFF ImageDescription, which ImageJ keeps in the
        // original file info and shows in the Info as "ImageDescription: {...}"
        ij.io.FileInfo fi = imp.getOriginalFileInfo();
        if (fi != null && isHeader(fi.description)) {
            return fi.description.trim();
        }
        String line = property(imp, "ImageDescription");
        return isHeader(line) ? line : null;
    }

    private static boolean isHeader(String text) {
        return text != null && text.trim().startsWith("{") && text.contains(LatentHeader.FORMAT);
    }

    /** A property set with setProp, or failing that a "key: value" line of the Info (saved TIFFs keep both). */
    private static String property(ImagePlus imp, String key) {
        String p = imp.getProp(key);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        Object info = imp.getProperty("Info");
        if (info instanceof String s) {
            for (String line : s.split("\n")) {
                if (line.startsWith(key + ": ")) {
                    return line.substring(key.length() + 2).trim();
                }
            }
        }
        return null;
    }
}
