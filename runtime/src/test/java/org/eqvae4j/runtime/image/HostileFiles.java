package org.eqvae4j.runtime.image;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Crafted image files, made by code rather than committed: valid TIFFs other tools write (predictors,
 * deflate, CMYK, Lab, float with NaN) and hostile ones (a looping page chain, thousands of pages, a PNG
 * declaring 16384x16384 in a few hundred KB, a compressed text chunk that inflates to hundreds of MB).
 * Shared with the CLI's reliability suite through the runtime test jar.
 */
public final class HostileFiles {
    private HostileFiles() {}

    /** One TIFF page: chunky samples (row-major, interleaved), written as one strip. */
    public record TiffPage(
            int width,
            int height,
            int samplesPerPixel,
            int bits,
            boolean floating,
            int photometric,
            int compression,
            int predictor,
            double[] samples) {
        public static TiffPage grey16(int w, int h, double[] samples, int predictor) {
            return new TiffPage(w, h, 1, 16, false, 1, 8, predictor, samples);
        }
    }

    /**
     * A little-endian TIFF of the given pages, strips deflated when a page says compression 8 (with
     * predictor 2, horizontal differencing, or 3, floating point, as libtiff writes them).
     *
     * @param loopTo the last page's next-page offset points back to this page (-1: a normal chain end)
     */
    public static byte[] tiff(List<TiffPage> pages, int loopTo) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] ifdOffsets = new long[pages.size()];
        List<Integer> nextFields = new ArrayList<>();
        write(
                out,
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .put((byte) 'I')
                        .put((byte) 'I')
                        .putShort((short) 42)
                        .putInt(8)
                        .array());
        for (int p = 0; p < pages.size(); p++) {
            TiffPage page = pages.get(p);
            byte[] strip = stripBytes(page);
            // directory first, then out-of-line values, then the strip
            TreeMap<Integer, long[]> tags = new TreeMap<>();
            tags.put(256, new long[] {3, page.width()});
            tags.put(257, new long[] {3, page.height()});
            tags.put(259, new long[] {3, page.compression()});
            tags.put(262, new long[] {3, page.photometric()});
            tags.put(277, new long[] {3, page.samplesPerPixel()});
            tags.put(278, new long[] {3, page.height()});
            tags.put(279, new long[] {4, strip.length});
            tags.put(284, new long[] {3, 1});
            if (page.predictor() != 1) {
                tags.put(317, new long[] {3, page.predictor()});
            }
            tags.put(273, new long[] {4, 0}); // patched below
            int n = tags.size() + 2; // + BitsPerSample, SampleFormat (arrays)
            long ifd = out.size();
            ifdOffsets[p] = ifd;
            long extra = ifd + 2 + 12L * n + 4;
            int spp = page.samplesPerPixel();
            long bitsAt = spp > 2 ? extra : -1;
            long formatAt = spp > 2 ? extra + 2L * spp : -1;
            long stripAt = extra + (spp > 2 ? 4L * spp : 0);
            tags.put(273, new long[] {4, stripAt});
            tags.put(258, new long[] {3, -1});
            tags.put(339, new long[] {3, -2});
            ByteBuffer b = ByteBuffer.allocate((int) (stripAt - ifd)).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) n);
            for (var e : tags.entrySet()) {
                int tag = e.getKey();
                int type = (int) e.getValue()[0];
                long v = e.getValue()[1];
                b.putShort((short) tag).putShort((short) type);
                if (tag == 258 || tag == 339) {
                    int value = tag == 258 ? page.bits() : page.floating() ? 3 : 1;
                    b.putInt(spp);
                    if (spp <= 2) {
                        b.putShort((short) value).putShort((short) (spp == 2 ? value : 0));
                    } else {
                        b.putInt((int) (tag == 258 ? bitsAt : formatAt));
                    }
                } else {
                    b.putInt(1);
                    if (type == 3) {
                        b.putShort((short) v).putShort((short) 0);
                    } else {
                        b.putInt((int) v);
                    }
                }
            }
            nextFields.add((int) (ifd + b.position()));
            b.putInt(0);
            for (int i = 0; spp > 2 && i < spp; i++) {
                b.putShort((short) page.bits());
            }
            for (int i = 0; spp > 2 && i < spp; i++) {
                b.putShort((short) (page.floating() ? 3 : 1));
            }
            write(out, b.array());
            write(out, strip);
            if ((out.size() & 1) != 0) {
                out.write(0);
            }
        }
        byte[] file = out.toByteArray();
        ByteBuffer f = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < pages.size(); p++) {
            long next = p + 1 < pages.size() ? ifdOffsets[p + 1] : loopTo >= 0 ? ifdOffsets[loopTo] : 0;
            f.putInt(nextFields.get(p), (int) next);
        }
        return file;
    }

    /** {@code n} pages of {@code size}x{@code size} 8-bit grey, uncompressed: a few hundred bytes a page. */
    public static byte[] manyPageTiff(int n, int size) {
        List<TiffPage> pages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pages.add(new TiffPage(size, size, 1, 8, false, 1, 1, 1, new double[size * size]));
        }
        return tiff(pages, -1);
    }

    private static byte[] stripBytes(TiffPage p) {
        int spp = p.samplesPerPixel();
        int bytes = p.bits() / 8;
        ByteBuffer b = ByteBuffer.allocate(p.width() * p.height() * spp * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : p.samples()) {
            if (p.floating()) {
                b.putFloat((float) v);
            } else if (bytes == 1) {
                b.put((byte) v);
            } else if (bytes == 2) {
                b.putShort((short) v);
            } else {
                b.putInt((int) v);
            }
        }
        byte[] raw = b.array();
        int rowBytes = p.width() * spp * bytes;
        if (p.predictor() == 2) {
            // horizontal differencing on samples, last to first so each uses its original left neighbour
            for (int y = 0; y < p.height(); y++) {
                for (int x = p.width() - 1; x >= 1; x--) {
                    for (int c = 0; c < spp; c++) {
                        int at = y * rowBytes + (x * spp + c) * bytes;
                        int left = at - spp * bytes;
                        long d = sample(raw, at, bytes) - sample(raw, left, bytes);
                        put(raw, at, bytes, d);
                    }
                }
            }
        } else if (p.predictor() == 3) {
            // floating point: each row's bytes regrouped most significant first, then byte differencing
            byte[] row = new byte[rowBytes];
            int samples = p.width() * spp;
            for (int y = 0; y < p.height(); y++) {
                for (int s = 0; s < samples; s++) {
                    for (int k = 0; k < bytes; k++) {
                        row[k * samples + s] = raw[y * rowBytes + s * bytes + (bytes - 1 - k)];
                    }
                }
                for (int i = rowBytes - 1; i >= spp; i--) {
                    row[i] -= row[i - spp];
                }
                System.arraycopy(row, 0, raw, y * rowBytes, rowBytes);
            }
        }
        return p.compression() == 8 ? deflate(raw, 1) : raw;
    }

    /** {@code block} repeated {@code times}, zlib-compressed (TIFF deflate strips, PNG IDAT and zTXt). */
    private static byte[] deflate(byte[] block, long times) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] buf = new byte[1 << 16];
        for (long i = 0; i < times; i++) {
            d.setInput(block);
            while (!d.needsInput()) {
                z.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return z.toByteArray();
    }

    private static long sample(byte[] a, int at, int bytes) {
        long v = 0;
        for (int k = bytes - 1; k >= 0; k--) {
            v = v << 8 | (a[at + k] & 0xff);
        }
        return v;
    }

    private static void put(byte[] a, int at, int bytes, long v) {
        for (int k = 0; k < bytes; k++) {
            a[at + k] = (byte) (v >> (8 * k));
        }
    }

    /** A PNG declaring {@code w}x{@code h} 8-bit grey whose rows are all zero: tiny on disk, huge decoded. */
    public static byte[] hugeBlankPng(int w, int h) throws IOException {
        return png(
                w,
                h,
                List.of(new Chunk("IDAT", deflate(new byte[w + 1], h)))); // filter byte 0 and zero samples per row
    }

    /** A valid 8x8 grey PNG with a zTXt chunk inflating to {@code inflated} bytes. */
    public static byte[] pngWithTextBomb(long inflated) throws IOException {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write("Comment".getBytes(StandardCharsets.ISO_8859_1));
        z.write(0);
        z.write(0);
        z.write(deflate(new byte[1 << 16], (inflated + (1 << 16) - 1) >> 16));
        return png(8, 8, List.of(new Chunk("zTXt", z.toByteArray()), new Chunk("IDAT", deflate(new byte[8 * 9], 1))));
    }

    /** A PNG whose header declares {@code w}x{@code h} followed by one tiny IDAT: refused on its header alone. */
    public static byte[] pngDeclaring(int w, int h) throws IOException {
        return png(w, h, List.of(new Chunk("IDAT", new byte[] {0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1})));
    }

    /** An 8x8 JPEG with four colour components (what CMYK JPEGs are), written by ImageIO from a raster. */
    public static byte[] cmykJpeg() throws IOException {
        java.awt.image.WritableRaster r =
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 8, 8, 4, null);
        javax.imageio.ImageWriter w =
                javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = javax.imageio.ImageIO.createImageOutputStream(bytes)) {
            w.setOutput(out);
            w.write(null, new javax.imageio.IIOImage(r, null, null), null);
        } finally {
            w.dispose();
        }
        return bytes.toByteArray();
    }

    private static final String JSON_CHARS = "{}[]\",:0123456789eE.-nul \\";
    private static final String[] ODD_VALUES = {
        "null",
        "\"\"",
        "\"x\"",
        "-1",
        "0",
        "1e308",
        "2147483648",
        "-9223372036854775808",
        "[]",
        "{}",
        "true",
        "[1,2]",
        "[-1,0,3,4]",
        "{\"a\":1}",
        "\"../../etc/passwd\"",
        "1.5"
    };

    /**
     * A copy of {@code json} with one to three random changes (fixed by {@code random}): a field removed, or
     * a value replaced by one of the wrong type, sign or size; or, one time in four, a few bytes of the text
     * changed.
     */
    public static String mutateJson(String json, java.util.Random random) {
        if (random.nextInt(4) == 0) {
            char[] c = json.toCharArray();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                c[random.nextInt(c.length)] = JSON_CHARS.charAt(random.nextInt(JSON_CHARS.length()));
            }
            return new String(c);
        }
        try {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            var root = mapper.readTree(json);
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                List<com.fasterxml.jackson.databind.JsonNode> containers = new ArrayList<>();
                collect(root, containers);
                var target = containers.get(random.nextInt(containers.size()));
                var odd = mapper.readTree(ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
                if (target instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.size() > 0) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    String name = names.get(random.nextInt(names.size()));
                    if (random.nextInt(3) == 0) {
                        o.remove(name);
                    } else {
                        o.set(name, odd);
                    }
                } else if (target instanceof com.fasterxml.jackson.databind.node.ArrayNode a && a.size() > 0) {
                    a.set(random.nextInt(a.size()), odd);
                }
            }
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void collect(
            com.fasterxml.jackson.databind.JsonNode n, List<com.fasterxml.jackson.databind.JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.elements().forEachRemaining(e -> collect(e, out));
        }
    }

    record Chunk(String type, byte[] data) {}

    private static byte[] png(int w, int h, List<Chunk> chunks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(w)
                .putInt(h)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        List<Chunk> all = new ArrayList<>();
        all.add(new Chunk("IHDR", ihdr.array()));
        all.addAll(chunks);
        all.add(new Chunk("IEND", new byte[0]));
        for (Chunk c : all) {
            out.writeInt(c.data().length);
            byte[] type = c.type().getBytes(StandardCharsets.ISO_8859_1);
            out.write(type);
            out.write(c.data());
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(c.data());
            out.writeInt((int) crc.getValue());
        }
        return bytes.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, byte[] b) {
        out.write(b, 0, b.length);
    }
}
