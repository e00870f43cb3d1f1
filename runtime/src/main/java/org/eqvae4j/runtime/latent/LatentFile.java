package org.eqvae4j.runtime.latent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.DecodeLimits;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * The latent file format: a float32 multi-page TIFF, one page per latent channel (N x C pages of h x w,
 * channel-major within each image), uncompressed little-endian, with a {@link LatentHeader} as JSON in
 * the first page's ImageDescription. Fiji opens it as a 32-bit stack; numpy reads it with
 * {@code tifffile.imread(f).reshape(json.loads(tifffile.TiffFile(f).pages[0].description)["shape"])}.
 * Chosen over .npy plus a sidecar: one file carries values and provenance, and microscopy tools open it.
 */
public final class LatentFile {
    /** Latent files are named {@code <image name>.latent.tif}. */
    public static final String SUFFIX = ".latent.tif";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII) // TIFF ASCII fields take 7-bit text
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private LatentFile() {}

    public static void write(Path file, Latent latent) throws IOException {
        FloatTensor pages = pages(latent);
        TiffFiles.write(file, pages, TiffFiles.SampleType.FLOAT32, null, headerJson(latent.header()));
    }

    /** The bytes {@link #write(Path, Latent)} puts into a file, into a stream; {@code name} stands for it in messages. */
    public static void write(OutputStream out, String name, Latent latent) throws IOException {
        FloatTensor pages = pages(latent);
        TiffFiles.write(out, name, pages, TiffFiles.SampleType.FLOAT32, null, headerJson(latent.header()));
    }

    private static FloatTensor pages(Latent latent) {
        FloatTensor z = latent.values();
        if (!Arrays.equals(z.shape(), latent.header().shape())) {
            throw new IllegalArgumentException(
                    "latent header shape " + Arrays.toString(latent.header().shape()) + " does not match the values "
                            + Arrays.toString(z.shape()));
        }
        return new FloatTensor(z.batch() * z.channels(), 1, z.height(), z.width(), z.data());
    }

    /** Reads and checks a latent file: header present, shape matching the pages, every value finite. */
    public static Latent read(Path file) throws IOException {
        LatentHeader h = readHeader(file);
        return check(
                h,
                ImageFiles.readImage(file, IntensityMapping.LINEAR, pageLimits(h, file.toString())),
                file.toString());
    }

    /** {@link #read(Path)} of a latent file's bytes held in memory; {@code name} stands for them in messages. */
    public static Latent read(byte[] bytes, String name) throws IOException {
        LatentHeader h = readHeader(bytes, name);
        return check(h, ImageFiles.readImage(bytes, name, IntensityMapping.LINEAR, pageLimits(h, name)), name);
    }

    /** {@link #readHeader(Path)} of a latent file's bytes held in memory. */
    public static LatentHeader readHeader(byte[] bytes, String name) throws IOException {
        String description;
        try {
            description = TiffFiles.readTags(bytes, name).description();
        } catch (IOException e) {
            throw new IOException("latent file " + name + " is not a readable TIFF: " + e.getMessage(), e);
        }
        return parseHeader(description, "latent file " + name);
    }

    /** The decode budget for a latent's pages: the header says how many there are (a page per channel). */
    private static DecodeLimits pageLimits(LatentHeader h, String file) throws IOException {
        long[] s = h.shape();
        DecodeLimits limits = DecodeLimits.fromSystemProperties();
        if (s != null && s.length == 4 && s[0] > limits.maxPages()) {
            throw new IOException(
                    "latent file " + file + " holds " + s[0] + " images, more than the limit of " + limits.maxPages()
                            + " pages (raise it with EQVAE_JAVA_OPTS=-D" + DecodeLimits.PAGES_PROPERTY + "=N)");
        }
        return s != null && s.length == 4
                ? limits.withMaxPages((int) Math.min(Integer.MAX_VALUE, s[0] * s[1]))
                : limits;
    }

    private static Latent check(LatentHeader h, ImageData pages, String file) throws IOException {
        long[] s = h.shape();
        FloatTensor p = pages.pixels();
        if (!pages.metadata().floatingPoint()
                || p.channels() != 1
                || s == null
                || s.length != 4
                || s[0] * s[1] != p.batch()
                || s[2] != p.height()
                || s[3] != p.width()) {
            throw new IOException(
                    "latent file " + file + ": header shape " + Arrays.toString(s) + " does not match its "
                            + p.batch() + " "
                            + (pages.metadata().floatingPoint()
                                    ? "float"
                                    : pages.metadata().bitsPerSample() + "-bit")
                            + " pages of " + p.height() + "x" + p.width());
        }
        FloatTensor z = new FloatTensor((int) s[0], (int) s[1], (int) s[2], (int) s[3], p.data());
        if (!z.allFinite()) {
            throw new IOException("latent file " + file + " holds NaN or infinite values" + firstNonFinite(z)
                    + "; it cannot be decoded");
        }
        return new Latent(z, h);
    }

    public static LatentHeader readHeader(Path file) throws IOException {
        String description;
        try {
            description = TiffFiles.readTags(file).description();
        } catch (IOException e) {
            throw new IOException("latent file " + file + " is not a readable TIFF: " + e.getMessage(), e);
        }
        return parseHeader(description, "latent file " + file);
    }

    /** The header as the JSON text stored in a latent file (and in a Fiji latent image's properties). */
    public static String headerJson(LatentHeader header) {
        try {
            return JSON.writeValueAsString(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise latent header " + header, e);
        }
    }

    /**
     * Parses and checks a header's JSON text (format and version).
     *
     * @param where names the text's origin in messages, e.g. "latent file a.latent.tif"
     */
    public static LatentHeader parseHeader(String description, String where) throws IOException {
        LatentHeader h = null;
        if (description != null && description.startsWith("{")) {
            try {
                h = JSON.readValue(description, LatentHeader.class);
            } catch (JsonProcessingException e) {
                throw new IOException(where + " has a malformed header: " + e.getOriginalMessage(), e);
            }
        }
        if (h == null || !LatentHeader.FORMAT.equals(h.format())) {
            throw new IOException(where + " has no " + LatentHeader.FORMAT
                    + " header in its ImageDescription; it was not written by eqvae encode");
        }
        if (h.formatVersion() > LatentHeader.VERSION) {
            throw new IOException(where + " has format version " + h.formatVersion() + "; this version reads "
                    + LatentHeader.VERSION);
        }
        long[] s = h.shape();
        if (s == null
                || s.length != 4
                || Arrays.stream(s).anyMatch(v -> v < 1 || v > Integer.MAX_VALUE)
                || (double) s[0] * s[1] * s[2] * s[3] > Integer.MAX_VALUE) {
            throw new IOException(
                    where + " has a malformed header: 'shape' must be four positive sizes [N, C, h, w] of at most "
                            + Integer.MAX_VALUE + " values in all, got " + Arrays.toString(s));
        }
        return h;
    }

    /**
     * Refuses a latent the bundle cannot decode (other channel count, always) or should not (another
     * bundle id or downsampling factor, unless {@code ignoreBundleId}: the latent spaces may differ).
     */
    public static void checkDecodable(LatentHeader h, ModelManifest m, Path file, boolean ignoreBundleId) {
        checkDecodable(h, m, file.toString(), ignoreBundleId);
    }

    /** {@link #checkDecodable(LatentHeader, ModelManifest, Path, boolean)} naming the latent by {@code file}. */
    public static void checkDecodable(LatentHeader h, ModelManifest m, String file, boolean ignoreBundleId) {
        long channels = h.shape()[1];
        if (channels != m.latentChannels()) {
            throw new IllegalArgumentException(
                    "latent file " + file + " has " + channels + " channels (bundle '" + h.bundleId()
                            + "') but bundle '" + m.id() + "' decodes " + m.latentChannels() + "-channel latents");
        }
        if (!ignoreBundleId && (!m.id().equals(h.bundleId()) || m.downsamplingFactor() != h.downsamplingFactor())) {
            throw new IllegalArgumentException(
                    "latent file " + file + " was encoded by bundle '" + h.bundleId() + "' (x"
                            + h.downsamplingFactor() + "), not by '" + m.id() + "' (x" + m.downsamplingFactor()
                            + "); another model's latent space decodes to garbage unless the two share it"
                            + " (--ignore-bundle-id decodes anyway)");
        }
    }

    private static String firstNonFinite(FloatTensor z) {
        float[] d = z.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                int plane = z.height() * z.width();
                int nc = i / plane;
                return " (first at image " + nc / z.channels() + ", channel " + nc % z.channels() + ", y "
                        + (i % plane) / z.width() + ", x " + i % z.width() + ")";
            }
        }
        return "";
    }
}
