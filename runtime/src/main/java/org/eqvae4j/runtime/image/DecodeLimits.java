package org.eqvae4j.runtime.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Budgets every image decode is checked against before anything large is allocated, so a tiny hostile
 * file (a TIFF whose page chain loops, a PNG declaring 16384x16384, a compressed text chunk that inflates
 * to gigabytes) is refused in milliseconds with a message naming the file and the limit. Each is a system
 * property, so a user with a legitimately larger image raises it:
 * {@code EQVAE_JAVA_OPTS="-Deqvae.maxPixels=1073741824" ./eqvae ...}.
 *
 * @param maxPixels        pixels of all pages together ({@value #PIXELS_PROPERTY})
 * @param maxPages         pages of one file ({@value #PAGES_PROPERTY})
 * @param maxMetadataBytes bytes a metadata chunk (PNG text, ICC profile) may inflate to ({@value #METADATA_PROPERTY})
 * @param maxSeconds       wall-clock seconds one decode may take ({@value #SECONDS_PROPERTY})
 */
public record DecodeLimits(long maxPixels, int maxPages, long maxMetadataBytes, double maxSeconds) {
    public static final String PIXELS_PROPERTY = "eqvae.maxPixels";
    public static final String PAGES_PROPERTY = "eqvae.maxPages";
    public static final String METADATA_PROPERTY = "eqvae.maxMetadataBytes";
    public static final String SECONDS_PROPERTY = "eqvae.maxDecodeSeconds";

    /** 2^26 pixels: an 8192x8192 image; its float tensor alone is 768 MB in RGB. */
    public static final long DEFAULT_MAX_PIXELS = 1L << 26;

    public static final int DEFAULT_MAX_PAGES = 10_000;
    public static final long DEFAULT_MAX_METADATA_BYTES = 16L << 20;
    public static final double DEFAULT_MAX_SECONDS = 300;

    public DecodeLimits {
        if (maxPixels < 1 || maxPages < 1 || maxMetadataBytes < 0 || !(maxSeconds > 0)) {
            throw new IllegalArgumentException("decode limits must be positive: " + maxPixels + " pixels, " + maxPages
                    + " pages, " + maxMetadataBytes + " metadata bytes, " + maxSeconds + " s");
        }
    }

    /** The defaults, each overridden by its system property. */
    public static DecodeLimits fromSystemProperties() {
        return new DecodeLimits(
                longProperty(PIXELS_PROPERTY, DEFAULT_MAX_PIXELS),
                (int) Math.min(Integer.MAX_VALUE, longProperty(PAGES_PROPERTY, DEFAULT_MAX_PAGES)),
                longProperty(METADATA_PROPERTY, DEFAULT_MAX_METADATA_BYTES),
                Double.parseDouble(property(SECONDS_PROPERTY, Double.toString(DEFAULT_MAX_SECONDS))));
    }

    /** The same budgets allowing {@code pages} pages (a latent file has a page per channel). */
    public DecodeLimits withMaxPages(int pages) {
        return new DecodeLimits(maxPixels, pages, maxMetadataBytes, maxSeconds);
    }

    void checkPixels(Path file, long width, long height, long pages) throws IOException {
        if (width < 1 || height < 1) {
            throw new IOException(
                    "image " + file + " declares " + width + "x" + height + " pixels: not a valid image size");
        }
        if (pages > maxPages) {
            throw new IOException("image " + file + " has more than " + maxPages + " pages, the limit ("
                    + hint(PAGES_PROPERTY) + ")");
        }
        if (width > maxPixels || height > maxPixels || width * height > maxPixels / Math.max(1, pages)) {
            throw new IOException(
                    "image " + file + " declares " + width + "x" + height + (pages > 1 ? " x " + pages + " pages" : "")
                            + ", more than the limit of " + maxPixels + " pixels (" + hint(PIXELS_PROPERTY) + ")");
        }
    }

    static String hint(String property) {
        return "raise it with EQVAE_JAVA_OPTS=-D" + property + "=N";
    }

    private static long longProperty(String name, long fallback) {
        String v = property(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + " must be a whole number, got '" + v + "'");
        }
    }

    private static String property(String name, String fallback) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
