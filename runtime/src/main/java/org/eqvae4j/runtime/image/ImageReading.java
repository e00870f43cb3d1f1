package org.eqvae4j.runtime.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.ImageInfo;
import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Decodes image files (or their bytes in memory): ImageIO for PNG, JPEG, TIFF (all pages), BMP, GIF, and WebP (TwelveMonkeys plug-in); Apache Commons Imaging for
 * what ImageIO lacks (PNM: pgm/ppm/pbm, PCX, PSD...). Declared sizes are checked before any pixel buffer
 * is allocated, and decoder warnings (a truncated JPEG decodes "successfully" as grey) count as errors.
 * Every message names the file.
 */
final class ImageReading {
    /** Formats only Commons Imaging decodes here (8-bit results). */
    private static final java.util.Set<ImageFormats> COMMONS_ONLY = java.util.Set.of(ImageFormats.PNM, ImageFormats.PGM,
            ImageFormats.PPM, ImageFormats.PBM, ImageFormats.PAM, ImageFormats.PCX, ImageFormats.DCX, ImageFormats.PSD,
            ImageFormats.ICO, ImageFormats.XBM, ImageFormats.XPM, ImageFormats.WBMP, ImageFormats.RGBE);
    private ImageReading() {
    }

    static ImageData read(Path file, IntensityMapping mapping, boolean firstPageOnly) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("image " + file + " does not exist or is not a file");
        }
        return read(new Source(file.toString(), file, null), mapping, firstPageOnly);
    }

    /** @param name names the image in messages and metadata, e.g. the path it was read from */
    static ImageData read(byte[] bytes, String name, IntensityMapping mapping, boolean firstPageOnly) throws IOException {
        return read(new Source(name, null, bytes), mapping, firstPageOnly);
    }

    private static ImageData read(Source file, IntensityMapping mapping, boolean firstPageOnly) throws IOException {
        if (file.size() == 0) {
            throw new IOException("image " + file + " is empty (0 bytes)");
        }
        Decoded d;
        try {
            d = decodeWithImageIo(file, firstPageOnly);
            if (d == null) {
                d = decodeWithCommonsImaging(file);
            }
        } catch (OutOfMemoryError e) {
            throw new IOException("image " + file + " is too large to decode in this JVM's memory", e);
        } catch (IOException | RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
                throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            throw new IOException("image " + file + " is corrupt or truncated: " + e.getMessage(), e);
        }
        if (d == null) {
            throw new IOException("image " + file + " is not in a readable format (PNG, JPEG, TIFF, WebP, BMP, GIF, PNM)");
        }
        return toImageData(file.name(), d, mapping);
    }

    /**
     * Encoded image bytes: a file, read as a stream, or bytes already in memory (a Spark binaryFile row, an
     * upload). {@code name} (the path for files) stands for it in messages.
     */
    private record Source(String name, Path file, byte[] bytes) {
        long size() throws IOException {
            return file != null ? Files.size(file) : bytes.length;
        }

        /** In-memory bytes get a memory cache: ImageIO's default for streams is a temp file per image. */
        ImageInputStream imageStream() throws IOException {
            return file != null ? ImageIO.createImageInputStream(file.toFile())
                    : new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
        }

        InputStream stream() throws IOException {
            return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
        }

        ByteSource byteSource() {
            return file != null ? ByteSource.file(file.toFile()) : ByteSource.array(bytes, name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Pages as they came out of the decoder, plus the pixel size the file declared.
     *
     * @param grey the file is grey though the decoder made RGB of it (Commons Imaging decodes to ARGB)
     */
    private record Decoded(String format, List<BufferedImage> pages, PixelSize pixelSize, boolean grey) {
    }

    private static Decoded decodeWithImageIo(Source file, boolean firstPageOnly) throws IOException {
        try (ImageInputStream in = file.imageStream()) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, false, false);
                String format = format(r.getFormatName());
                if (format.equals("webp")) {
                    checkRiffLength(file);
                }
                List<String> warnings = new ArrayList<>();
                r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                // only TIFF pages form a stack (GIF frames are an animation)
                int pages = format.equals("tiff") && !firstPageOnly ? r.getNumImages(true) : 1;
                checkDeclaredSize(file, r, pages);
                List<BufferedImage> images = new ArrayList<>();
                for (int i = 0; i < pages; i++) {
                    images.add(r.read(i));
                    if (!warnings.isEmpty()) {
                        throw new IOException("image " + file + " is corrupt or truncated: " + warnings.get(0));
                    }
                }
                PixelSize px = switch (format) {
                    case "png" -> PngFiles.pixelSize(r.getImageMetadata(0));
                    case "tiff" -> TiffFiles.readTags(file.byteSource(), file.name()).pixelSize();
                    default -> null;
                };
                return new Decoded(format, images, px, false);
            } finally {
                r.dispose();
            }
        }
    }

    /**
     * A WebP file is a RIFF container whose header declares its length. The WebP decoder does not notice
     * a truncated file (it decodes what is there and leaves the rest black), so the length is checked here.
     */
    private static void checkRiffLength(Source file) throws IOException {
        byte[] head = new byte[12];
        try (var in = file.stream()) {
            if (in.readNBytes(head, 0, 12) < 12) {
                throw new IOException("image " + file + " is truncated: shorter than a WebP header");
            }
        }
        long declared = 8 + ((head[4] & 0xffL) | (head[5] & 0xffL) << 8 | (head[6] & 0xffL) << 16 | (head[7] & 0xffL) << 24);
        long actual = file.size();
        if (actual < declared) {
            throw new IOException("image " + file + " is truncated: its WebP (RIFF) header declares " + declared
                    + " bytes, the file has " + actual);
        }
    }

    private static void checkDeclaredSize(Source file, ImageReader r, int pages) throws IOException {
        int w = r.getWidth(0);
        int h = r.getHeight(0);
        long total = (long) w * h * pages;
        if (w < 1 || h < 1 || total > ImageFiles.MAX_PIXELS) {
            throw new IOException("image " + file + " declares " + w + "x" + h + (pages > 1 ? " x " + pages + " pages" : "")
                    + ", outside the supported 1 to " + ImageFiles.MAX_PIXELS + " pixels");
        }
        for (int i = 1; i < pages; i++) {
            if (r.getWidth(i) != w || r.getHeight(i) != h) {
                throw new IOException("image " + file + ": page " + (i + 1) + " is " + r.getWidth(i) + "x" + r.getHeight(i)
                        + " but page 1 is " + w + "x" + h + "; a stack needs pages of one size");
            }
        }
    }

    private static Decoded decodeWithCommonsImaging(Source file) throws IOException {
        var format = Imaging.guessFormat(file.byteSource());
        if (!COMMONS_ONLY.contains(format)) { // ImageIO's own formats failed there already, or nothing matched
            return null;
        }
        var info = file.file() != null ? Imaging.getImageInfo(file.file().toFile()) : Imaging.getImageInfo(file.name(), file.bytes());
        if ((long) info.getWidth() * info.getHeight() > ImageFiles.MAX_PIXELS || info.getWidth() < 1 || info.getHeight() < 1) {
            throw new IOException("image " + file + " declares " + info.getWidth() + "x" + info.getHeight()
                    + ", outside the supported 1 to " + ImageFiles.MAX_PIXELS + " pixels");
        }
        boolean grey = info.getColorType() == ImageInfo.ColorType.GRAYSCALE || info.getColorType() == ImageInfo.ColorType.BW;
        return new Decoded(format.getName().toLowerCase(Locale.ROOT), List.of(file.file() != null ? Imaging.getBufferedImage(file.file().toFile()) : Imaging.getBufferedImage(file.bytes())),
                null, grey);
    }

    private static String format(String imageIoName) {
        String n = imageIoName.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "tif", "tiff" -> "tiff";
            case "jpg", "jpeg" -> "jpeg";
            default -> n;
        };
    }

    private static ImageData toImageData(String file, Decoded d, IntensityMapping mapping) throws IOException {
        BufferedImage first = d.pages().get(0);
        List<FloatTensor> tensors = new ArrayList<>();
        for (BufferedImage page : d.pages()) {
            FloatTensor t = toTensor(page, file);
            if (d.grey() && t.channels() == 3) {
                t = new FloatTensor(1, 1, t.height(), t.width(), java.util.Arrays.copyOf(t.data(), t.height() * t.width()));
            }
            if (!tensors.isEmpty() && t.channels() != tensors.get(0).channels()) {
                throw new IOException("image " + file + ": pages differ in colour (grey and RGB); a stack needs one kind");
            }
            tensors.add(t);
        }
        FloatTensor unit = tensors.size() == 1 ? tensors.get(0) : FloatTensor.stack(tensors);
        boolean floating = isFloat(first);
        int bits = floating ? 32 : first.getColorModel() instanceof IndexColorModel ? 8
                : Math.max(8, first.getColorModel().getComponentSize(0));
        double rawMax = floating ? 1 : (1L << bits) - 1;
        IntensityScaling scaling = mapping.scalingFor(unit, rawMax, bits, floating);
        FloatTensor mapped = scaling.method().equals("linear") ? unit
                : unit.map(u -> scaling.toUnit(u * rawMax));
        return new ImageData(mapped, new ImageMetadata(d.format(), unit.channels(), bits, floating, tensors.size(),
                d.pixelSize(), scaling));
    }

    private static boolean isFloat(BufferedImage img) {
        int t = img.getRaster().getTransferType();
        return t == DataBuffer.TYPE_FLOAT || t == DataBuffer.TYPE_DOUBLE;
    }

    /** One page as [1, C, H, W] with integer samples divided by their type's maximum (floats as they are). */
    static FloatTensor toTensor(BufferedImage img, Path file) throws IOException {
        return toTensor(img, file.toString());
    }

    private static FloatTensor toTensor(BufferedImage img, String file) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h > ImageFiles.MAX_PIXELS) {
            throw new IOException("image " + file + " is " + w + "x" + h + ", larger than the supported " + ImageFiles.MAX_PIXELS + " pixels");
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
            boolean floating = isFloat(img);
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
}
