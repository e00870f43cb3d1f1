package org.eqvae4j.runtime.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.commons.imaging.FormatCompliance;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.tiff.TiffDirectory;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.TiffReader;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
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
        UINT8(8, 1),
        UINT16(16, 1),
        UINT32(32, 1),
        FLOAT32(32, 3);

        final int bits;
        final int sampleFormat;

        SampleType(int bits, int sampleFormat) {
            this.bits = bits;
            this.sampleFormat = sampleFormat;
        }
    }

    /** What the first page's tags say: pixel size (or null) and the ImageDescription (or null). */
    public record Tags(PixelSize pixelSize, String description) {}

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int STRIP_BYTES = 1 << 23;

    private TiffFiles() {}

    public static Tags readTags(Path file) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IOException("file " + file + " does not exist or is not a file");
        }
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
            d = new TiffReader(true)
                    .readFirstDirectory(source, false, FormatCompliance.getDefault())
                    .directories
                    .get(0);
        } catch (ImagingException | RuntimeException e) {
            throw new IOException("TIFF " + file + " has unreadable tags: " + e.getMessage(), e);
        }
        String description = stringField(d, TiffTagConstants.TIFF_TAG_IMAGE_DESCRIPTION.tag);
        return new Tags(pixelSize(d, description), description);
    }

    /**
     * What walking a TIFF's page (IFD) chain found: the page count and what page 1 declares (TIFF's
     * defaults where a tag is absent).
     */
    record PageChain(
            int pages, long width, long height, int photometric, int predictor, int bitsPerSample, int sampleFormat) {
        static final int CMYK = 5;
        static final int CIELAB = 8;
        static final int ICCLAB = 9;
        static final int ITULAB = 10;

        boolean lab() {
            return photometric == CIELAB || photometric == ICCLAB || photometric == ITULAB;
        }
    }

    /**
     * Walks the page (IFD) chain reading only the directories, before any decoder sees the file: refuses a
     * chain that loops, more pages than the limit, a directory or tag that points outside the file or
     * declares more values than the file holds, and a page 1 size beyond the pixel limit. Linear in pages.
     *
     * @param maxPages pages to count at most (1 for the first page only)
     */
    static PageChain pageChain(Path file, DecodeLimits limits, int maxPages) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, 8, size, file, "header");
            ByteOrder order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            boolean big = head.getShort(2) == 43;
            if (big) {
                head = read(ch, 0, 16, size, file, "header").order(order);
            }
            long offset = big ? head.getLong(8) : head.getInt(4) & 0xffffffffL;
            java.util.Set<Long> seen = new java.util.HashSet<>();
            int pages = 0;
            long width = -1;
            long height = -1;
            java.util.Map<Integer, Long> first = new java.util.HashMap<>();
            while (offset != 0 && pages < maxPages) {
                if (!seen.add(offset)) {
                    throw new IOException("TIFF " + file + ": the page chain loops (page " + (pages + 1)
                            + " points back to an earlier page); the file is corrupt or crafted");
                }
                if (pages >= limits.maxPages()) {
                    throw new IOException("TIFF " + file + " has more than " + limits.maxPages() + " pages, the limit ("
                            + DecodeLimits.hint(DecodeLimits.PAGES_PROPERTY) + ")");
                }
                ByteBuffer cnt = read(ch, offset, big ? 8 : 2, size, file, "page " + (pages + 1) + " directory")
                        .order(order);
                long entries = big ? cnt.getLong(0) : cnt.getShort(0) & 0xffff;
                int entrySize = big ? 20 : 12;
                if (entries < 1 || entries > 65535) {
                    throw new IOException("TIFF " + file + " is corrupt or truncated: its page " + (pages + 1)
                            + " directory declares " + entries + " tags");
                }
                long start = offset + (big ? 8 : 2);
                ByteBuffer ifd = read(
                                ch,
                                start,
                                (int) entries * entrySize + (big ? 8 : 4),
                                size,
                                file,
                                "page " + (pages + 1) + " directory")
                        .order(order);
                for (int e = 0; e < entries; e++) {
                    int p = e * entrySize;
                    int tag = ifd.getShort(p) & 0xffff;
                    int type = ifd.getShort(p + 2) & 0xffff;
                    long count = big ? ifd.getLong(p + 4) : ifd.getInt(p + 4) & 0xffffffffL;
                    int typeSize = switch (type) {
                        case 3, 8 -> 2;
                        case 4, 9, 11, 13 -> 4;
                        case 5, 10, 12, 16, 17, 18 -> 8;
                        default -> 1;
                    };
                    if (count < 0 || count > size / typeSize + 1) {
                        throw new IOException("TIFF " + file + ": tag " + tag + " of page " + (pages + 1) + " declares "
                                + count + " values, more than the file's " + size
                                + " bytes hold; the file is corrupt or crafted");
                    }
                    if (pages == 0
                            && (tag == 256 || tag == 257 || tag == 258 || tag == 262 || tag == 317 || tag == 339)) {
                        int v = p + (big ? 12 : 8);
                        ByteBuffer at = ifd;
                        if (count * typeSize > (big ? 8 : 4)) { // out of line: the first value is enough
                            long valueOffset = big ? ifd.getLong(v) : ifd.getInt(v) & 0xffffffffL;
                            at = read(ch, valueOffset, typeSize, size, file, "value of tag " + tag)
                                    .order(order);
                            v = 0;
                        }
                        first.put(
                                tag,
                                type == 3
                                        ? at.getShort(v) & 0xffff
                                        : type == 16
                                                ? at.getLong(v)
                                                : type == 4 ? at.getInt(v) & 0xffffffffL : at.get(v) & 0xff);
                    }
                }
                if (pages == 0) {
                    width = first.getOrDefault(256, -1L);
                    height = first.getOrDefault(257, -1L);
                    limits.checkPixels(file, width, height, 1);
                }
                pages++;
                int next = (int) entries * entrySize;
                offset = big ? ifd.getLong(next) : ifd.getInt(next) & 0xffffffffL;
            }
            if (pages == 0) {
                throw new IOException("TIFF " + file + " has no pages");
            }
            return new PageChain(
                    pages,
                    width,
                    height,
                    first.getOrDefault(262, -1L).intValue(),
                    first.getOrDefault(317, 1L).intValue(),
                    first.getOrDefault(258, 1L).intValue(),
                    first.getOrDefault(339, 1L).intValue());
        }
    }

    private static ByteBuffer read(FileChannel ch, long offset, int length, long size, Path file, String what)
            throws IOException {
        if (offset < 0 || offset + length > size) {
            throw new IOException("TIFF " + file + " is corrupt or truncated: its " + what + " at byte " + offset
                    + " lies beyond the end of the " + size + "-byte file");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new IOException("TIFF " + file + " is corrupt or truncated in its " + what);
            }
        }
        return b;
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
            int code =
                    ru == null ? TiffTagConstants.RESOLUTION_UNIT_VALUE_INCHES : ru.getIntValue(); // TIFF default: inch
            unit = code == TiffTagConstants.RESOLUTION_UNIT_VALUE_INCHES
                    ? "inch"
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
     * Writes each sample of the batch as a page, atomically, streaming: each page's directory goes before
     * its pixels, and both sizes are known in advance, so the file is written in one pass, in time and
     * memory linear in the pages (Commons Imaging's writer took 0.85 ms a page and held the whole file).
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
    public static void write(
            OutputStream out, String name, FloatTensor raw, SampleType type, PixelSize pixelSize, String description)
            throws IOException {
        int c = raw.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException(
                    "cannot write a " + c + "-channel tensor as TIFF " + name + " (1 or 3 channels)");
        }
        String desc = description != null ? description : imageJDescription(raw.batch(), pixelSize);
        byte[] descBytes = desc == null ? null : (desc + "\0").getBytes(StandardCharsets.US_ASCII);
        int h = raw.height();
        int w = raw.width();
        long rowBytes = (long) w * c * type.bits / 8;
        int rowsPerStrip = (int) Math.max(1, Math.min(h, STRIP_BYTES / Math.max(1, rowBytes)));
        int strips = (h + rowsPerStrip - 1) / rowsPerStrip;
        long pageBytes = rowBytes * h;
        long total = 8
                + (long) raw.batch() * (pageBytes + directoryBytes(c, strips, pixelSize, null))
                + (descBytes == null ? 0 : descBytes.length + 14);
        if (total >= 1L << 32) {
            throw new IOException(
                    "cannot write TIFF " + name + ": " + total + " bytes is beyond the 4 GB of a classic TIFF");
        }
        OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        buffered.write(ByteBuffer.allocate(8)
                .order(ORDER)
                .put((byte) 'I')
                .put((byte) 'I')
                .putShort((short) 42)
                .putInt(8)
                .array());
        long pos = 8;
        for (int page = 0; page < raw.batch(); page++) {
            byte[] d = page == 0 ? descBytes : null;
            long dataStart = pos + directoryBytes(c, strips, pixelSize, d);
            long next = page + 1 < raw.batch() ? dataStart + pageBytes : 0;
            buffered.write(directory(raw, type, pixelSize, d, pos, dataStart, rowsPerStrip, strips, next));
            for (int s = 0; s < strips; s++) {
                int y0 = s * rowsPerStrip;
                buffered.write(strip(raw, page, type, y0, Math.min(h, y0 + rowsPerStrip)));
            }
            pos = dataStart + pageBytes;
        }
        buffered.flush();
    }

    /** Tags of a page written here. */
    private static int tagCount(PixelSize p, byte[] description) {
        return 12 + (description == null ? 0 : 1) + (p == null ? 0 : 3);
    }

    /** A directory's size plus its out-of-line values, each padded to an even offset. */
    private static long directoryBytes(int c, int strips, PixelSize p, byte[] description) {
        long n = 2 + 12L * tagCount(p, description) + 4;
        n += c > 2 ? 2 * even(2L * c) : 0; // BitsPerSample, SampleFormat
        n += strips > 1 ? 2 * 4L * strips : 0; // StripOffsets, StripByteCounts
        n += p == null ? 0 : 16; // two rationals
        n += description == null || description.length <= 4 ? 0 : even(description.length);
        return n;
    }

    private static long even(long n) {
        return n + (n & 1);
    }

    /** One page's directory, tags in ascending order as TIFF requires, then its out-of-line values. */
    private static byte[] directory(
            FloatTensor raw,
            SampleType type,
            PixelSize p,
            byte[] description,
            long at,
            long dataStart,
            int rowsPerStrip,
            int strips,
            long next) {
        int c = raw.channels();
        int h = raw.height();
        long rowBytes = (long) raw.width() * c * type.bits / 8;
        int tags = tagCount(p, description);
        ByteBuffer b = ByteBuffer.allocate((int) directoryBytes(c, strips, p, description))
                .order(ORDER);
        ByteBuffer extra = b.duplicate().order(ORDER);
        extra.position(2 + 12 * tags + 4);
        b.putShort((short) tags);
        IfdEntries e = new IfdEntries(b, extra, at);
        e.longs(TiffTagConstants.TIFF_TAG_NEW_SUBFILE_TYPE.tag, 0);
        e.longs(TiffTagConstants.TIFF_TAG_IMAGE_WIDTH.tag, raw.width());
        e.longs(TiffTagConstants.TIFF_TAG_IMAGE_LENGTH.tag, h);
        e.shorts(TiffTagConstants.TIFF_TAG_BITS_PER_SAMPLE.tag, repeat(type.bits, c));
        e.shorts(TiffTagConstants.TIFF_TAG_COMPRESSION.tag, TiffTagConstants.COMPRESSION_VALUE_UNCOMPRESSED);
        e.shorts(
                TiffTagConstants.TIFF_TAG_PHOTOMETRIC_INTERPRETATION.tag,
                c == 3
                        ? TiffTagConstants.PHOTOMETRIC_INTERPRETATION_VALUE_RGB
                        : TiffTagConstants.PHOTOMETRIC_INTERPRETATION_VALUE_BLACK_IS_ZERO);
        if (description != null) {
            e.put(TiffTagConstants.TIFF_TAG_IMAGE_DESCRIPTION.tag, 2, description, description.length);
        }
        long[] offsets = new long[strips];
        long[] counts = new long[strips];
        for (int s = 0; s < strips; s++) {
            offsets[s] = dataStart + s * rowsPerStrip * rowBytes;
            counts[s] = Math.min(rowsPerStrip, h - (long) s * rowsPerStrip) * rowBytes;
        }
        e.longs(TiffTagConstants.TIFF_TAG_STRIP_OFFSETS.tag, offsets);
        e.shorts(TiffTagConstants.TIFF_TAG_SAMPLES_PER_PIXEL.tag, c);
        e.longs(TiffTagConstants.TIFF_TAG_ROWS_PER_STRIP.tag, rowsPerStrip);
        e.longs(TiffTagConstants.TIFF_TAG_STRIP_BYTE_COUNTS.tag, counts);
        if (p != null) {
            e.rational(TiffTagConstants.TIFF_TAG_XRESOLUTION.tag, RationalNumber.valueOf(1 / p.x()));
            e.rational(TiffTagConstants.TIFF_TAG_YRESOLUTION.tag, RationalNumber.valueOf(1 / p.y()));
        }
        e.shorts(
                TiffTagConstants.TIFF_TAG_PLANAR_CONFIGURATION.tag, TiffTagConstants.PLANAR_CONFIGURATION_VALUE_CHUNKY);
        if (p != null) {
            e.shorts(
                    TiffTagConstants.TIFF_TAG_RESOLUTION_UNIT.tag,
                    p.unit().equals("inch")
                            ? TiffTagConstants.RESOLUTION_UNIT_VALUE_INCHES
                            : p.unit().equals("cm")
                                    ? TiffTagConstants.RESOLUTION_UNIT_VALUE_CM
                                    : TiffTagConstants.RESOLUTION_UNIT_VALUE_NONE);
        }
        e.shorts(TiffTagConstants.TIFF_TAG_SAMPLE_FORMAT.tag, repeat(type.sampleFormat, c));
        b.putInt((int) next);
        return b.array();
    }

    private static long[] repeat(long v, int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Appends directory entries; values over 4 bytes go to the out-of-line area after the directory. */
    private record IfdEntries(ByteBuffer dir, ByteBuffer extra, long base) {
        void shorts(int tag, long... values) {
            ByteBuffer v = ByteBuffer.allocate(2 * values.length).order(ORDER);
            for (long x : values) {
                v.putShort((short) x);
            }
            put(tag, 3, v.array(), values.length);
        }

        void longs(int tag, long... values) {
            ByteBuffer v = ByteBuffer.allocate(4 * values.length).order(ORDER);
            for (long x : values) {
                v.putInt((int) x);
            }
            put(tag, 4, v.array(), values.length);
        }

        void rational(int tag, RationalNumber r) {
            put(
                    tag,
                    5,
                    ByteBuffer.allocate(8)
                            .order(ORDER)
                            .putInt((int) r.numerator)
                            .putInt((int) r.divisor)
                            .array(),
                    1);
        }

        void put(int tag, int type, byte[] value, int count) {
            dir.putShort((short) tag).putShort((short) type).putInt(count);
            if (value.length <= 4) {
                dir.put(java.util.Arrays.copyOf(value, 4));
            } else {
                dir.putInt((int) (base + extra.position()));
                extra.put(value);
                if ((extra.position() & 1) != 0) {
                    extra.put((byte) 0);
                }
            }
        }
    }

    private static String imageJDescription(int pages, PixelSize p) {
        boolean unitNeedsImageJ =
                p != null && !p.unit().equals("inch") && !p.unit().equals("cm");
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
