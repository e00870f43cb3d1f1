package org.eqvae4j.runtime.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.apache.commons.imaging.FormatCompliance;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.tiff.AbstractTiffElement;
import org.apache.commons.imaging.formats.tiff.AbstractTiffImageData;
import org.apache.commons.imaging.formats.tiff.TiffDirectory;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.TiffReader;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffImageWriterLossy;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * TIFF tags and TIFF writing through Apache Commons Imaging, whose directory-level API states exactly
 * which tags a file carries. Pixels are decoded by ImageIO's TIFF plugin (8/16/32-bit, float, every
 * compression; Commons Imaging reduces 16-bit grey to 8-bit RGB).
 *
 * <p>Files written here are uncompressed, little-endian, one page per sample of the batch, 8/16/32-bit
 * unsigned or 32-bit float, grey or RGB (chunky), with the pixel size as XResolution / YResolution:
 * ResolutionUnit inch or cm where the unit is one of those, otherwise ImageJ's convention (unit none plus
 * {@code unit=...} in an ImageJ description), so Fiji shows micron sizes and multi-page files as stacks.
 */
public final class TiffFiles {
    /** Sample types this writer produces. */
    public enum SampleType {
        UINT8(8, 1), UINT16(16, 1), UINT32(32, 1), FLOAT32(32, 3);

        final int bits;
        final int sampleFormat;

        SampleType(int bits, int sampleFormat) {
            this.bits = bits;
            this.sampleFormat = sampleFormat;
        }
    }

    /** What the first page's tags say: pixel size (or null) and the ImageDescription (or null). */
    public record Tags(PixelSize pixelSize, String description) {
    }

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int STRIP_BYTES = 1 << 23;

    private TiffFiles() {
    }

    public static Tags readTags(Path file) throws IOException {
        return readTags(ByteSource.file(file.toFile()), file.toString());
    }

    /** The tags of TIFF bytes in memory; {@code name} stands for them in messages. */
    public static Tags readTags(byte[] bytes, String name) throws IOException {
        return readTags(ByteSource.array(bytes, name), name);
    }

    static Tags readTags(ByteSource source, String file) throws IOException {
        if (!hasTiffSignature(source)) {
            throw new IOException("file " + file + " is not a TIFF (no II*/MM* signature)");
        }
        TiffDirectory d;
        try {
            d = new TiffReader(true).readFirstDirectory(source, false, FormatCompliance.getDefault())
                    .directories.get(0);
        } catch (ImagingException | RuntimeException e) {
            throw new IOException("TIFF " + file + " has unreadable tags: " + e.getMessage(), e);
        }
        String description = stringField(d, TiffTagConstants.TIFF_TAG_IMAGE_DESCRIPTION.tag);
        return new Tags(pixelSize(d, description), description);
    }

    private static boolean hasTiffSignature(ByteSource source) throws IOException {
        byte[] head = new byte[4];
        try (var in = source.getInputStream()) {
            if (in.readNBytes(head, 0, 4) < 4) {
                return false;
            }
        }
        boolean little = head[0] == 'I' && head[1] == 'I' && head[3] == 0 && (head[2] == 42 || head[2] == 43);
        boolean big = head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43);
        return little || big;
    }

    private static PixelSize pixelSize(TiffDirectory d, String description) throws ImagingException {
        TiffField xr = d.findField(TiffTagConstants.TIFF_TAG_XRESOLUTION);
        TiffField yr = d.findField(TiffTagConstants.TIFF_TAG_YRESOLUTION);
        TiffField ru = d.findField(TiffTagConstants.TIFF_TAG_RESOLUTION_UNIT);
        if (xr == null || yr == null || xr.getDoubleValue() <= 0 || yr.getDoubleValue() <= 0) {
            return null;
        }
        String unit = imageJUnit(description);
        if (unit == null) {
            int code = ru == null ? TiffTagConstants.RESOLUTION_UNIT_VALUE_INCHES : ru.getIntValue(); // TIFF default: inch
            unit = code == TiffTagConstants.RESOLUTION_UNIT_VALUE_INCHES ? "inch"
                    : code == TiffTagConstants.RESOLUTION_UNIT_VALUE_CM ? "cm" : null;
        }
        return unit == null ? null : new PixelSize(1 / xr.getDoubleValue(), 1 / yr.getDoubleValue(), unit);
    }

    private static String imageJUnit(String description) {
        if (description == null || !description.startsWith("ImageJ=")) {
            return null;
        }
        for (String line : description.split("\n")) {
            if (line.startsWith("unit=")) {
                String u = line.substring(5).trim();
                return u.equals("\\u00B5m") ? "micron" : u;
            }
        }
        return null;
    }

    private static String stringField(TiffDirectory d, int tag) throws ImagingException {
        for (TiffField f : d) {
            if (f.getTag() == tag) {
                return f.getStringValue();
            }
        }
        return null;
    }

    /**
     * Writes each sample of the batch as a page, atomically.
     *
     * @param raw         samples in the file's units (0..255, 0..65535, or floats); rounded and clamped for integers
     * @param pixelSize   or null
     * @param description ImageDescription of the first page, or null for an ImageJ description where one helps
     */
    public static void write(Path file, FloatTensor raw, SampleType type, PixelSize pixelSize, String description)
            throws IOException {
        AtomicFiles.write(file, out -> write(out, file.toString(), raw, type, pixelSize, description));
    }

    /**
     * Writes the TIFF into a stream (the same bytes as {@link #write(Path, FloatTensor, SampleType, PixelSize, String)}
     * puts into a file); {@code name} stands for it in messages.
     */
    public static void write(OutputStream out, String name, FloatTensor raw, SampleType type, PixelSize pixelSize,
                             String description) throws IOException {
        int c = raw.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("cannot write a " + c + "-channel tensor as TIFF " + name + " (1 or 3 channels)");
        }
        String desc = description != null ? description : imageJDescription(raw.batch(), pixelSize);
        TiffOutputSet set = new TiffOutputSet(ORDER);
        try {
            for (int page = 0; page < raw.batch(); page++) {
                set.addDirectory(page(raw, page, type, pixelSize, page == 0 ? desc : null));
            }
        } catch (ImagingException e) {
            throw new IOException("cannot build TIFF " + name + ": " + e.getMessage(), e);
        }
        try {
            new TiffImageWriterLossy(ORDER).write(out, set);
        } catch (ImagingException e) {
            throw new IOException("cannot write TIFF " + name + ": " + e.getMessage(), e);
        }
    }

    private static String imageJDescription(int pages, PixelSize p) {
        boolean unitNeedsImageJ = p != null && !p.unit().equals("inch") && !p.unit().equals("cm");
        if (pages == 1 && !unitNeedsImageJ) {
            return null;
        }
        StringBuilder sb = new StringBuilder("ImageJ=1.11a\n");
        if (pages > 1) {
            sb.append("images=").append(pages).append("\nslices=").append(pages).append('\n');
        }
        if (unitNeedsImageJ) {
            sb.append("unit=").append(p.unit()).append('\n');
        }
        return sb.append("loop=false\n").toString();
    }

    private static TiffOutputDirectory page(FloatTensor raw, int page, SampleType type, PixelSize p, String description)
            throws ImagingException {
        int c = raw.channels();
        int h = raw.height();
        int w = raw.width();
        TiffOutputDirectory d = new TiffOutputDirectory(page, ORDER);
        d.add(TiffTagConstants.TIFF_TAG_NEW_SUBFILE_TYPE, 0);
        d.add(TiffTagConstants.TIFF_TAG_IMAGE_WIDTH, w);
        d.add(TiffTagConstants.TIFF_TAG_IMAGE_LENGTH, h);
        short[] bits = new short[c];
        short[] formats = new short[c];
        java.util.Arrays.fill(bits, (short) type.bits);
        java.util.Arrays.fill(formats, (short) type.sampleFormat);
        d.add(TiffTagConstants.TIFF_TAG_BITS_PER_SAMPLE, bits);
        d.add(TiffTagConstants.TIFF_TAG_COMPRESSION, (short) TiffTagConstants.COMPRESSION_VALUE_UNCOMPRESSED);
        d.add(TiffTagConstants.TIFF_TAG_PHOTOMETRIC_INTERPRETATION, (short) (c == 3
                ? TiffTagConstants.PHOTOMETRIC_INTERPRETATION_VALUE_RGB : TiffTagConstants.PHOTOMETRIC_INTERPRETATION_VALUE_BLACK_IS_ZERO));
        if (description != null) {
            d.add(TiffTagConstants.TIFF_TAG_IMAGE_DESCRIPTION, description);
        }
        d.add(TiffTagConstants.TIFF_TAG_SAMPLES_PER_PIXEL, (short) c);
        int rowBytes = w * c * type.bits / 8;
        int rowsPerStrip = Math.max(1, Math.min(h, STRIP_BYTES / Math.max(1, rowBytes)));
        d.add(TiffTagConstants.TIFF_TAG_ROWS_PER_STRIP, rowsPerStrip);
        if (p != null) {
            d.add(TiffTagConstants.TIFF_TAG_XRESOLUTION, RationalNumber.valueOf(1 / p.x()));
            d.add(TiffTagConstants.TIFF_TAG_YRESOLUTION, RationalNumber.valueOf(1 / p.y()));
            d.add(TiffTagConstants.TIFF_TAG_RESOLUTION_UNIT, (short) (p.unit().equals("inch") ? TiffTagConstants.RESOLUTION_UNIT_VALUE_INCHES
                    : p.unit().equals("cm") ? TiffTagConstants.RESOLUTION_UNIT_VALUE_CM : TiffTagConstants.RESOLUTION_UNIT_VALUE_NONE));
        }
        d.add(TiffTagConstants.TIFF_TAG_PLANAR_CONFIGURATION, (short) TiffTagConstants.PLANAR_CONFIGURATION_VALUE_CHUNKY);
        d.add(TiffTagConstants.TIFF_TAG_SAMPLE_FORMAT, formats);
        int strips = (h + rowsPerStrip - 1) / rowsPerStrip;
        AbstractTiffElement.DataElement[] data = new AbstractTiffElement.DataElement[strips];
        for (int s = 0; s < strips; s++) {
            int y0 = s * rowsPerStrip;
            byte[] bytes = strip(raw, page, type, y0, Math.min(h, y0 + rowsPerStrip));
            data[s] = new AbstractTiffImageData.Data(0, bytes.length, bytes);
        }
        d.setTiffImageData(new AbstractTiffImageData.Strips(data, rowsPerStrip));
        return d;
    }

    /** Rows [y0, y1) of one page, samples interleaved per pixel. */
    private static byte[] strip(FloatTensor raw, int page, SampleType type, int y0, int y1) {
        int c = raw.channels();
        int w = raw.width();
        ByteBuffer b = ByteBuffer.allocate((y1 - y0) * w * c * type.bits / 8).order(ORDER);
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float v = raw.get(page, ch, y, x);
                    switch (type) {
                        case UINT8 -> b.put((byte) clampRound(v, 255));
                        case UINT16 -> b.putShort((short) clampRound(v, 65535));
                        case UINT32 -> b.putInt((int) clampRound(v, 4294967295L));
                        case FLOAT32 -> b.putFloat(v);
                        default -> throw new IllegalStateException(type.toString());
                    }
                }
            }
        }
        return b.array();
    }

    static long clampRound(double v, long max) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(max, Math.round(v)));
    }
}
