package org.eqvae4j.runtime.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
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

    private PngFiles() {
    }

    /** The pHYs pixel size in micron, or null when absent or without a unit. */
    static PixelSize pixelSize(IIOMetadata metadata) {
        if (metadata == null || !java.util.Arrays.asList(metadata.getMetadataFormatNames()).contains(NATIVE)) {
            return null;
        }
        for (Node n = metadata.getAsTree(NATIVE).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("pHYs") && n instanceof IIOMetadataNode p && "meter".equals(p.getAttribute("unitSpecifier"))) {
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
                phys.setAttribute("pixelsPerUnitXAxis", Long.toString(Math.round(1 / (pixelSize.x() * pixelSize.metresPerUnit()))));
                phys.setAttribute("pixelsPerUnitYAxis", Long.toString(Math.round(1 / (pixelSize.y() * pixelSize.metresPerUnit()))));
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
