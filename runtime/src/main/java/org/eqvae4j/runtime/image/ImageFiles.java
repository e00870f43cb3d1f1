package org.eqvae4j.runtime.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Reads and writes images as [1, C, H, W] float tensors in [0, 1]. Integer samples are divided by the
 * type's maximum (255 for 8-bit, 65535 for 16-bit), which is exactly reversible on writing. Alpha is
 * dropped. Formats: whatever Java's ImageIO reads (PNG, JPEG, BMP, GIF, TIFF).
 */
public final class ImageFiles {
    /** Refuse images whose pixel buffers would not fit comfortably in memory. */
    public static final long MAX_PIXELS = 1L << 28;

    private ImageFiles() {
    }

    public static FloatTensor read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("image " + file + " does not exist or is not a file");
        }
        if (Files.size(file) == 0) {
            throw new IOException("image " + file + " is empty (0 bytes)");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("image " + file + " is corrupt or truncated: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("image " + file + " is not in a readable format (PNG, JPEG, TIFF, BMP, GIF)");
        }
        return toTensor(img, file);
    }

    static FloatTensor toTensor(BufferedImage img, Path file) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h > MAX_PIXELS) {
            throw new IOException("image " + file + " is " + w + "x" + h + ", larger than the supported " + MAX_PIXELS + " pixels");
        }
        Raster r = img.getRaster();
        int bands = img.getColorModel().getNumColorComponents();
        int c = bands >= 3 ? 3 : 1;
        boolean indexed = img.getType() == BufferedImage.TYPE_BYTE_INDEXED || img.getType() == BufferedImage.TYPE_BYTE_BINARY
                || r.getNumBands() < bands;
        float[] out = new float[c * h * w];
        if (indexed) {
            // palette images: let Java resolve the colours
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    if (c == 3) {
                        out[y * w + x] = ((rgb >> 16) & 0xff) / 255f;
                        out[h * w + y * w + x] = ((rgb >> 8) & 0xff) / 255f;
                        out[2 * h * w + y * w + x] = (rgb & 0xff) / 255f;
                    } else {
                        out[y * w + x] = (rgb & 0xff) / 255f;
                    }
                }
            }
        } else {
            boolean floating = r.getTransferType() == java.awt.image.DataBuffer.TYPE_FLOAT
                    || r.getTransferType() == java.awt.image.DataBuffer.TYPE_DOUBLE;
            for (int ch = 0; ch < c; ch++) {
                // per channel: packed formats such as 5-6-5 RGB have unequal component sizes
                double max = floating ? 1.0 : (1L << img.getColorModel().getComponentSize(ch)) - 1;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[(ch * h + y) * w + x] = (float) (r.getSampleDouble(x, y, ch) / max);
                    }
                }
            }
        }
        return new FloatTensor(1, c, h, w, out);
    }

    /** Grey to RGB by repeating the channel, or RGB to grey by ITU-R BT.601 luma, to match a model. */
    public static FloatTensor toChannels(FloatTensor x, int channels) {
        if (x.channels() == channels) {
            return x;
        }
        int plane = x.height() * x.width();
        float[] out = new float[x.batch() * channels * plane];
        for (int n = 0; n < x.batch(); n++) {
            if (x.channels() == 1 && channels == 3) {
                for (int ch = 0; ch < 3; ch++) {
                    System.arraycopy(x.data(), n * plane, out, (n * 3 + ch) * plane, plane);
                }
            } else if (x.channels() == 3 && channels == 1) {
                for (int i = 0; i < plane; i++) {
                    int b = n * 3 * plane;
                    out[n * plane + i] = 0.299f * x.data()[b + i] + 0.587f * x.data()[b + plane + i] + 0.114f * x.data()[b + 2 * plane + i];
                }
            } else {
                throw new IllegalArgumentException("cannot convert " + x.channels() + " channels to " + channels);
            }
        }
        return new FloatTensor(x.batch(), channels, x.height(), x.width(), out);
    }

    /** Writes sample 0 as an 8-bit PNG (values clamped to [0, 1], rounded), atomically. */
    public static void writePng(FloatTensor x, Path file) throws IOException {
        int w = x.width();
        int h = x.height();
        int c = x.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("cannot write a " + c + "-channel tensor as PNG " + file + " (1 or 3 channels)");
        }
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                int i = y * w + xx;
                if (c == 1) {
                    img.getRaster().setSample(xx, y, 0, toByte(x.data()[i]));
                } else {
                    int rgb = (toByte(x.data()[i]) << 16) | (toByte(x.data()[plane + i]) << 8) | toByte(x.data()[2 * plane + i]);
                    img.setRGB(xx, y, rgb);
                }
            }
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** The one pixel quantisation: clamp to [0,1], scale to 255, round half up. */
    public static int toByte(float v) {
        float c = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
        return Math.round(c * 255f);
    }
}
