package org.eqvae4j.runtime.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Writes [0, 1] tensors the way their source was: the source's intensity scaling inverted, its sample
 * type, grey for grey sources, its pixel size. The extension chooses the container: .png (one page,
 * 8 or 16-bit) or .tif / .tiff (any pages, 8/16/32-bit or float).
 */
final class ImageWriting {
    private ImageWriting() {}

    static void write(FloatTensor x, ImageMetadata like, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String container =
                name.endsWith(".png") ? "png" : name.endsWith(".tif") || name.endsWith(".tiff") ? "tiff" : null;
        if (container == null) {
            throw new IllegalArgumentException("cannot write image " + file + ": use a .png, .tif or .tiff name");
        }
        write(x, like, file, container);
    }

    /** @param container "png" or "tiff", whatever the file is called */
    static void write(FloatTensor x, ImageMetadata like, Path file, String container) throws IOException {
        AtomicFiles.StreamWriter encoded =
                encoder(x, like, file.toString(), container); // checks before any file is made
        AtomicFiles.write(file, encoded);
    }

    /** The same bytes as the file {@link #write(FloatTensor, ImageMetadata, Path, String)} writes, into a stream. */
    static void write(FloatTensor x, ImageMetadata like, OutputStream out, String name, String container)
            throws IOException {
        encoder(x, like, name, container).write(out);
    }

    private static AtomicFiles.StreamWriter encoder(FloatTensor x, ImageMetadata like, String file, String container) {
        FloatTensor pixels = like.channels() == 1 && x.channels() == 3 ? ImageFiles.toChannels(x, 1) : x;
        if (pixels.channels() != 1 && pixels.channels() != 3) {
            throw new IllegalArgumentException(
                    "cannot write a " + pixels.channels() + "-channel tensor as image " + file + " (1 or 3 channels)");
        }
        if (container.equals("png")) {
            if (pixels.batch() != 1) {
                throw new IllegalArgumentException(
                        "PNG " + file + " holds one page, got " + pixels.batch() + "; write .tif for a stack");
            }
            boolean sixteen = like.bitsPerSample() == 16 && !like.floatingPoint();
            BufferedImage img = sixteen ? image16(pixels, like.scaling()) : image8(pixels, like.scaling());
            return out -> PngFiles.write(img, like.pixelSize(), out, file);
        }
        TiffFiles.SampleType type = like.floatingPoint()
                ? TiffFiles.SampleType.FLOAT32
                : like.bitsPerSample() == 16
                        ? TiffFiles.SampleType.UINT16
                        : like.bitsPerSample() == 32 ? TiffFiles.SampleType.UINT32 : TiffFiles.SampleType.UINT8;
        IntensityScaling s = like.scaling();
        FloatTensor raw = pixels.map(s::toRaw);
        return out -> TiffFiles.write(out, file, raw, type, like.pixelSize(), null);
    }

    /** 8-bit: linear scaling quantises exactly as {@link ImageFiles#toByte} (and so as PSNR does). */
    private static BufferedImage image8(FloatTensor x, IntensityScaling s) {
        int w = x.width();
        int h = x.height();
        boolean grey = x.channels() == 1;
        boolean linear = s.low() == 0 && s.high() == 255;
        BufferedImage img = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        float[] d = x.data();
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                int i = y * w + xx;
                if (grey) {
                    img.getRaster().setSample(xx, y, 0, linear ? ImageFiles.toByte(d[i]) : quantise(d[i], s, 255));
                } else {
                    int r = linear ? ImageFiles.toByte(d[i]) : quantise(d[i], s, 255);
                    int g = linear ? ImageFiles.toByte(d[plane + i]) : quantise(d[plane + i], s, 255);
                    int b = linear ? ImageFiles.toByte(d[2 * plane + i]) : quantise(d[2 * plane + i], s, 255);
                    img.setRGB(xx, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }

    private static BufferedImage image16(FloatTensor x, IntensityScaling s) {
        int c = x.channels();
        ComponentColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(c == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB),
                false,
                false,
                Transparency.OPAQUE,
                DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(x.width(), x.height());
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < x.height(); y++) {
                for (int xx = 0; xx < x.width(); xx++) {
                    r.setSample(xx, y, ch, quantise(x.get(0, ch, y, xx), s, 65535));
                }
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    private static int quantise(float unit, IntensityScaling s, long max) {
        return (int) TiffFiles.clampRound(s.toRaw(unit), max);
    }
}
