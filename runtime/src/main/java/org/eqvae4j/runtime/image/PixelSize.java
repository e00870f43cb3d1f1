package org.eqvae4j.runtime.image;

import java.util.Locale;
import java.util.Map;

/**
 * The physical size of one pixel, as the file states it: TIFF XResolution / YResolution with
 * ResolutionUnit (or ImageJ's {@code unit=} in the description), PNG pHYs (pixels per metre, read as
 * micron). Carried from inputs to outputs so that results keep their scale.
 *
 * @param x    pixel width in {@code unit}
 * @param y    pixel height in {@code unit}
 * @param unit "micron", "nm", "mm", "cm", "m", "inch" or whatever an ImageJ file names
 */
public record PixelSize(double x, double y, String unit) {
    private static final Map<String, Double> METRES = Map.of(
            "m", 1.0, "cm", 1e-2, "mm", 1e-3, "micron", 1e-6, "um", 1e-6, "\u00b5m", 1e-6, "nm", 1e-9, "inch", 0.0254);

    public PixelSize {
        if (!(x > 0) || !(y > 0) || Double.isInfinite(x) || Double.isInfinite(y) || unit == null || unit.isBlank()) {
            throw new IllegalArgumentException(
                    "pixel size needs positive finite x, y and a unit, got " + x + ", " + y + " " + unit);
        }
    }

    /** Metres per unit, or NaN for a unit this class does not know (it is still carried through TIFF). */
    public double metresPerUnit() {
        return METRES.getOrDefault(unit.toLowerCase(Locale.ROOT), Double.NaN);
    }

    /** The same size with the pixel grid resampled: a latent scaled by s makes pixels 1/s as large. */
    public PixelSize scaled(double sy, double sx) {
        return new PixelSize(x / sx, y / sy, unit);
    }

    /** After an odd number of quarter turns, width and height swap. */
    public PixelSize transposed() {
        return new PixelSize(y, x, unit);
    }
}
