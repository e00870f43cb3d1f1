package org.eqvae4j.runtime.image;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.w3c.dom.Node;

/**
 * PNG through ImageIO, which keeps 16-bit samples (Commons Imaging reads them as 8-bit) and exposes the
 * pHYs chunk exactly (integer pixels per metre).
 */
final class PngFiles {
    private static final String NATIVE = "javax_imageio_png_1.0";

    private PngFiles() {}

    /**
     * Walks the chunks before the decoder does: the size IHDR declares is checked against the pixel limit,
     * and each compressed metadata chunk (zTXt, iTXt, iCCP) is inflated into a counter, never into memory,
     * and refused when it would exceed the metadata limit (ImageIO inflates them whole while reading).
     */
    static void checkChunks(Path file, DecodeLimits limits) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.skipNBytes(8); // signature, checked by the caller's reader choice
            while (true) {
                int length;
                String type;
                try {
                    length = in.readInt();
                    type = new String(in.readNBytes(4), StandardCharsets.ISO_8859_1);
                } catch (EOFException e) {
                    return; // a truncated file: the decoder says so with its own message
                }
                if (length < 0) {
                    throw new IOException(
                            "PNG " + file + ": chunk " + type + " declares a negative length; the file is corrupt");
                }
                switch (type) {
                    case "IHDR" -> {
                        if (length != 13) {
                            throw new IOException("PNG " + file + ": its IHDR chunk has " + length
                                    + " bytes, not 13; the file is corrupt");
                        }
                        byte[] ihdr = readChunk(in, length, file, type, 13);
                        ByteBuffer b = ByteBuffer.wrap(ihdr);
                        limits.checkPixels(file, b.getInt(0) & 0xffffffffL, b.getInt(4) & 0xffffffffL, 1);
                    }
                    case "zTXt", "iCCP" -> {
                        byte[] data = readChunk(in, length, file, type, Integer.MAX_VALUE);
                        int nul = indexOf(data, 0, 0);
                        checkInflated(file, type, data, nul + 2, limits); // keyword, NUL, method byte
                    }
                    case "iTXt" -> {
                        byte[] data = readChunk(in, length, file, type, Integer.MAX_VALUE);
                        int nul = indexOf(data, 0, 0);
                        if (nul >= 0 && nul + 1 < data.length && data[nul + 1] == 1) { // compressed text
                            int lang = indexOf(data, 0, nul + 3);
                            int translated = lang < 0 ? -1 : indexOf(data, 0, lang + 1);
                            if (translated >= 0) {
                                checkInflated(file, type, data, translated + 1, limits);
                            }
                        }
                    }
                    case "IEND" -> {
                        return;
                    }
                    default -> in.skipNBytes(length);
                }
                in.skipNBytes(4); // CRC
            }
        } catch (EOFException e) {
            // truncated: left to the decoder, whose message says so
        }
    }

    private static byte[] readChunk(DataInputStream in, int length, Path file, String type, int max)
            throws IOException {
        if (length > max) {
            throw new IOException("PNG " + file + ": chunk " + type + " declares " + length + " bytes; it is corrupt");
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new EOFException();
        }
        return data;
    }

    private static int indexOf(byte[] data, int value, int from) {
        for (int i = Math.max(0, from); i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static void checkInflated(Path file, String type, byte[] data, int from, DecodeLimits limits)
            throws IOException {
        if (from <= 0 || from > data.length) {
            return;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, from, data.length - from);
            byte[] sink = new byte[1 << 16];
            long total = 0;
            while (!inflater.finished() && !inflater.needsInput()) {
                int n = inflater.inflate(sink);
                if (n == 0 && inflater.needsDictionary()) {
                    return; // not valid zlib: the decoder reports it
                }
                total += n;
                if (total > limits.maxMetadataBytes()) {
                    throw new IOException("PNG " + file + ": its compressed " + type + " chunk inflates to more than "
                            + limits.maxMetadataBytes() + " bytes, the metadata limit ("
                            + DecodeLimits.hint(DecodeLimits.METADATA_PROPERTY) + ")");
                }
            }
        } catch (DataFormatException e) {
            return; // corrupt zlib data: the decoder reports it
        } finally {
            inflater.end();
        }
    }

    /** The pHYs pixel size in micron, or null when absent or without a unit. */
    static PixelSize pixelSize(IIOMetadata metadata) {
        if (metadata == null
                || !java.util.Arrays.asList(metadata.getMetadataFormatNames()).contains(NATIVE)) {
            return null;
        }
        for (Node n = metadata.getAsTree(NATIVE).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("pHYs")
                    && n instanceof IIOMetadataNode p
                    && "meter".equals(p.getAttribute("unitSpecifier"))) {
                double x = Double.parseDouble(p.getAttribute("pixelsPerUnitXAxis"));
                double y = Double.parseDouble(p.getAttribute("pixelsPerUnitYAxis"));
                return x > 0 && y > 0 ? new PixelSize(1e6 / x, 1e6 / y, "micron") : null;
            }
        }
        return null;
    }

    /** Writes the image atomically, with a pHYs chunk when the pixel size has a metric or inch unit. */
    static void write(BufferedImage img, PixelSize pixelSize, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(img, pixelSize, out, file.toString()));
    }

    /** The same PNG bytes into a stream; {@code name} stands for it in messages. */
    static void write(BufferedImage img, PixelSize pixelSize, OutputStream out, String name) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
            if (pixelSize != null && Double.isFinite(pixelSize.metresPerUnit())) {
                IIOMetadataNode phys = new IIOMetadataNode("pHYs");
                phys.setAttribute(
                        "pixelsPerUnitXAxis",
                        Long.toString(Math.round(1 / (pixelSize.x() * pixelSize.metresPerUnit()))));
                phys.setAttribute(
                        "pixelsPerUnitYAxis",
                        Long.toString(Math.round(1 / (pixelSize.y() * pixelSize.metresPerUnit()))));
                phys.setAttribute("unitSpecifier", "meter");
                IIOMetadataNode root = new IIOMetadataNode(NATIVE);
                root.appendChild(phys);
                meta.mergeTree(NATIVE, root);
            }
            // a memory-cached stream: ImageIO's default for streams is a temp file per image
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(img, null, meta), null);
            }
        } catch (IIOInvalidTreeException e) {
            throw new IOException("cannot set the pixel size of PNG " + name + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }
}
