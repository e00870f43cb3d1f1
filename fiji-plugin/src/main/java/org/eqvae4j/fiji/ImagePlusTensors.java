package org.eqvae4j.fiji;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageConverter;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.Locale;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.image.IntensityScaling;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * ImageJ images to the runtime's model inputs and back. Planes become a batch as {@link PlaneLayout}
 * says; samples are mapped to [0, 1] by an {@link IntensityScaling} chosen as the runtime chooses it for
 * files (linear by bit depth, or percentiles), and results are put back into the input's units, bit depth
 * and calibration. Values a result type cannot hold (below 0 or above 255 / 65535) are clamped and
 * counted, so callers report them; {@link ResultType#FLOAT32} keeps them.
 */
public final class ImagePlusTensors {
    /** The bit depth of results: like the input, or 32-bit float (nothing clipped). */
    public enum ResultType {
        SAME("same"),
        FLOAT32("32-bit");

        private final String label;

        ResultType(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static String[] labels() {
            return new String[] {SAME.label, FLOAT32.label};
        }

        public static ResultType parse(String s) {
            for (ResultType t : values()) {
                if (t.label.equalsIgnoreCase(s == null ? "" : s.trim())
                        || t.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("result type must be 'same' or '32-bit', got '" + s + "'");
        }
    }

    /**
     * @param pixels   [N, model channels, H, W] in [0, 1] (by {@code metadata.scaling()}), not yet cropped
     * @param metadata what results need to look like the input (bit depth, scaling, pixel size)
     */
    public record ModelInput(FloatTensor pixels, PlaneLayout layout, ImageMetadata metadata) {}

    /** @param clipped samples that did not fit the result type and were clamped to its range */
    public record Converted(ImagePlus image, long clipped) {}

    private ImagePlusTensors() {}

    /**
     * "auto" (linear for 8-bit and RGB, 1-99.8 percentiles for 16- and 32-bit, whose values rarely fill
     * their type's range), "linear", "percentile" or "percentile:LOW:HIGH".
     */
    public static IntensityMapping mapping(String intensity, int bitDepth) {
        String s = intensity == null ? "auto" : intensity.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            return bitDepth == 16 || bitDepth == 32 ? IntensityMapping.PERCENTILE : IntensityMapping.LINEAR;
        }
        return IntensityMapping.parse(s);
    }

    /** The image's planes as model inputs with {@code modelChannels} channels. */
    public static ModelInput toModel(ImagePlus image, int modelChannels, String intensity) {
        ImagePlus imp = checked(image);
        if (imp.getType() == ImagePlus.COLOR_256) { // indexed colour: its values are palette indices
            imp = imp.duplicate();
            new ImageConverter(imp).convertToRGB();
        }
        boolean rgb = imp.getType() == ImagePlus.COLOR_RGB;
        PlaneLayout layout = PlaneLayout.of(rgb, imp.getNChannels(), imp.getNSlices(), imp.getNFrames(), modelChannels);
        int bits = rgb ? 8 : imp.getBitDepth();
        boolean floating = bits == 32;
        double rawMax = floating ? 1 : (1L << bits) - 1;
        int w = imp.getWidth();
        int h = imp.getHeight();
        int plane = w * h;
        int ic = layout.itemChannels();
        float[] unit = new float[Math.multiplyExact(Math.multiplyExact(layout.items(), ic), plane)];
        ImageStack stack = imp.getStack();
        for (int t = 1; t <= layout.frames(); t++) {
            for (int z = 1; z <= layout.slices(); z++) {
                int position = (t - 1) * layout.slices() + z - 1;
                for (int c = 1; c <= layout.channels(); c++) {
                    ImageProcessor ip = stack.getProcessor(imp.getStackIndex(c, z, t));
                    switch (layout.mode()) {
                        case RGB -> {
                            int[] px = (int[]) ((ColorProcessor) ip).getPixels();
                            int base = (position * layout.channels() + c - 1) * 3 * plane;
                            for (int i = 0; i < plane; i++) {
                                unit[base + i] = ((px[i] >> 16) & 0xff) / 255f;
                                unit[base + plane + i] = ((px[i] >> 8) & 0xff) / 255f;
                                unit[base + 2 * plane + i] = (px[i] & 0xff) / 255f;
                            }
                        }
                        case CHANNELS -> copyPlane(ip, rawMax, unit, (position * ic + c - 1) * plane);
                        case PLANES -> copyPlane(ip, rawMax, unit, (position * layout.channels() + c - 1) * plane);
                    }
                }
            }
        }
        FloatTensor unitTensor = new FloatTensor(layout.items(), ic, h, w, unit);
        if (floating && !unitTensor.allFinite()) {
            throw new IllegalArgumentException("image '" + imp.getTitle()
                    + "' holds NaN or infinite values; replace them first" + " (e.g. Process > Math > Remove NaNs)");
        }
        IntensityScaling scaling = mapping(intensity, bits).scalingFor(unitTensor, rawMax, bits, floating);
        FloatTensor mapped = unitTensor.map(v -> scaling.toUnit(v * rawMax));
        ImageMetadata metadata = new ImageMetadata(
                "imagej", ic, bits, floating, layout.items(), pixelSize(imp.getCalibration()), scaling);
        return new ModelInput(ImageFiles.toChannels(mapped, modelChannels), layout, metadata);
    }

    private static void copyPlane(ImageProcessor ip, double rawMax, float[] out, int offset) {
        int n = ip.getPixelCount();
        for (int i = 0; i < n; i++) {
            out[offset + i] = (float) (ip.getf(i) / rawMax);
        }
    }

    /**
     * Model outputs back to an image laid out like the input.
     *
     * @param pixels [N, model channels, H, W] in [0, 1]; N must be the layout's item count
     * @param like   the input's bit depth, intensity scaling and pixel size
     */
    public static Converted toImagePlus(
            FloatTensor pixels, PlaneLayout layout, ImageMetadata like, ResultType type, String title) {
        if (pixels.batch() != layout.items()) {
            throw new IllegalArgumentException(
                    "got " + pixels.batch() + " images for a layout of " + layout.items() + " (" + layout + ")");
        }
        boolean rgbOut = layout.mode() == PlaneLayout.Mode.RGB && type == ResultType.SAME;
        int ic = layout.itemChannels();
        FloatTensor x = ImageFiles.toChannels(pixels, ic);
        int bits = type == ResultType.FLOAT32 ? 32 : like.bitsPerSample();
        IntensityScaling s = like.scaling();
        int w = x.width();
        int h = x.height();
        int plane = w * h;
        ImageStack stack = new ImageStack(w, h);
        long clipped = 0;
        int stackChannels = layout.mode() == PlaneLayout.Mode.RGB && !rgbOut ? 3 : layout.channels();
        if (layout.mode() == PlaneLayout.Mode.RGB && !rgbOut && layout.channels() > 1) {
            throw new IllegalArgumentException(
                    "32-bit results of RGB hyperstacks with several channels are not supported;"
                            + " choose result=same");
        }
        for (int n = 0; n < x.batch(); n++) {
            if (rgbOut) {
                int[] px = new int[plane];
                for (int i = 0; i < plane; i++) {
                    int r = quantise(s.toRaw(x.get(n, 0, i / w, i % w)), 255);
                    int g = quantise(s.toRaw(x.get(n, 1, i / w, i % w)), 255);
                    int b = quantise(s.toRaw(x.get(n, 2, i / w, i % w)), 255);
                    clipped += (r >>> 16) + (g >>> 16) + (b >>> 16);
                    px[i] = ((r & 0xff) << 16) | ((g & 0xff) << 8) | (b & 0xff);
                }
                stack.addSlice(new ColorProcessor(w, h, px));
                continue;
            }
            for (int c = 0; c < ic; c++) {
                int offset = x.index(n, c, 0, 0);
                ImageProcessor ip;
                if (bits == 32) {
                    float[] f = new float[plane];
                    for (int i = 0; i < plane; i++) {
                        f[i] = (float) s.toRaw(x.data()[offset + i]);
                    }
                    ip = new FloatProcessor(w, h, f);
                } else if (bits == 16) {
                    short[] v = new short[plane];
                    for (int i = 0; i < plane; i++) {
                        int q = quantise(s.toRaw(x.data()[offset + i]), 65535);
                        clipped += q >>> 16;
                        v[i] = (short) q;
                    }
                    ip = new ShortProcessor(w, h, v, null);
                } else {
                    byte[] v = new byte[plane];
                    for (int i = 0; i < plane; i++) {
                        int q = quantise(s.toRaw(x.data()[offset + i]), 255);
                        clipped += q >>> 16;
                        v[i] = (byte) q;
                    }
                    ip = new ByteProcessor(w, h, v);
                }
                ip.resetMinAndMax();
                stack.addSlice(ip);
            }
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(stackChannels, layout.slices(), layout.frames());
        if (stackChannels > 1 || layout.frames() > 1) {
            imp.setOpenAsHyperStack(true);
        }
        if (like.pixelSize() != null) {
            Calibration cal = imp.getCalibration();
            cal.pixelWidth = like.pixelSize().x();
            cal.pixelHeight = like.pixelSize().y();
            cal.setUnit(like.pixelSize().unit());
        }
        imp.resetDisplayRange();
        if (stackChannels > 1 && stackChannels <= CompositeImage.MAX_CHANNELS) {
            imp = new CompositeImage(imp, IJ.COLOR);
        }
        return new Converted(imp, clipped);
    }

    /**
     * Rounds half up and clamps to [0, max] as the runtime writes integer files; a clamped value is
     * flagged in bit 16 (above any 16-bit value) so callers can count it.
     */
    private static int quantise(double raw, int max) {
        long r = Double.isNaN(raw) ? 0 : Math.round(raw);
        if (r < 0 || r > max || Double.isNaN(raw)) {
            return (int) Math.max(0, Math.min(max, r)) | 1 << 16;
        }
        return (int) r;
    }

    /** The calibration's pixel size, or null when the image is not calibrated. */
    public static PixelSize pixelSize(Calibration cal) {
        if (cal == null
                || !cal.scaled()
                || !(cal.pixelWidth > 0)
                || !(cal.pixelHeight > 0)
                || Double.isInfinite(cal.pixelWidth)
                || Double.isInfinite(cal.pixelHeight)) {
            return null;
        }
        return new PixelSize(cal.pixelWidth, cal.pixelHeight, cal.getUnit());
    }

    /** Refuses a missing or empty image (SciJava fills a missing ImagePlus input with a 0 x 0 one). */
    public static ImagePlus checked(ImagePlus imp) {
        if (imp == null || imp.getWidth() == 0 || imp.getHeight() == 0 || imp.getStackSize() == 0) {
            throw new IllegalArgumentException("no image: open an image first (or pass one as the 'image' input)");
        }
        return imp;
    }
}
