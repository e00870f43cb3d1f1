package org.eqvae4j.runtime.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.ImageInfo;
import org.apache.commons.imaging.Imaging;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Decodes image files: ImageIO for PNG, JPEG, TIFF (all pages), BMP, GIF, and WebP (TwelveMonkeys plug-in); Apache Commons Imaging for
 * what ImageIO lacks (PNM: pgm/ppm/pbm, PCX, PSD...). Declared sizes are checked before any pixel buffer
 * is allocated, and decoder warnings (a truncated JPEG decodes "successfully" as grey) count as errors.
 * Every message names the file.
 */
final class ImageReading {
    /** Formats only Commons Imaging decodes here (8-bit results). */
    private static final java.util.Set<ImageFormats> COMMONS_ONLY = java.util.Set.of(
            ImageFormats.PNM,
            ImageFormats.PGM,
            ImageFormats.PPM,
            ImageFormats.PBM,
            ImageFormats.PAM,
            ImageFormats.PCX,
            ImageFormats.DCX,
            ImageFormats.PSD,
            ImageFormats.ICO,
            ImageFormats.XBM,
            ImageFormats.XPM,
            ImageFormats.WBMP,
            ImageFormats.RGBE);

    private ImageReading() {}

    /** @param requireFinite refuse float images holding NaN or infinities (latent files check them themselves) */
    static ImageData read(
            Path file, IntensityMapping mapping, boolean firstPageOnly, DecodeLimits limits, boolean requireFinite)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("image " + file + " does not exist or is not a file");
        }
        if (Files.size(file) == 0) {
            throw new IOException("image " + file + " is empty (0 bytes)");
        }
        Decoded d;
        try {
            d = decodeWithImageIo(file, firstPageOnly, limits);
            if (d == null) {
                d = decodeWithCommonsImaging(file, limits);
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
            throw new IOException(
                    "image " + file + " is not in a readable format (PNG, JPEG, TIFF, WebP, BMP, GIF, PNM)");
        }
        return toImageData(file, d, mapping, requireFinite);
    }

    /**
     * An image held in memory (a Spark binaryFile row, an upload), read by {@link #read(Path, IntensityMapping,
     * boolean, DecodeLimits, boolean)} from a private temporary copy: one decode path, so every budget and check
     * (page chain, chunk inflation, time, colour spaces) applies to bytes exactly as to files. Messages name
     * {@code name}, not the copy.
     *
     * @param name names the image in messages, e.g. the path it came from
     */
    static ImageData read(
            byte[] bytes,
            String name,
            IntensityMapping mapping,
            boolean firstPageOnly,
            DecodeLimits limits,
            boolean requireFinite)
            throws IOException {
        if (bytes.length == 0) {
            throw new IOException("image " + name + " is empty (0 bytes)");
        }
        Path dir = Files.createTempDirectory("eqvae-image-");
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        Path copy = dir.resolve(base.isEmpty() || base.startsWith(".") ? "image" + base : base);
        try {
            Files.write(copy, bytes);
            return read(copy, mapping, firstPageOnly, limits, requireFinite);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? null : e.getMessage().replace(copy.toString(), name);
            throw new IOException(msg, e);
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Pages as they came out of the decoder, plus the pixel size the file declared.
     *
     * @param grey the file is grey though the decoder made RGB of it (Commons Imaging decodes to ARGB)
     */
    private record Decoded(String format, List<BufferedImage> pages, PixelSize pixelSize, boolean grey) {}

    private static Decoded decodeWithImageIo(Path file, boolean firstPageOnly, DecodeLimits limits) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            List<ImageReader> candidates = new ArrayList<>();
            readers.forEachRemaining(candidates::add);
            ImageReader r = candidates.get(0);
            String format = format(r.getFormatName());
            TiffFiles.PageChain chain = null;
            if (format.equals("tiff")) {
                // the chain is walked (and its budgets checked) first: decoders follow a looping chain for minutes
                chain = TiffFiles.pageChain(file, limits, firstPageOnly ? 1 : Integer.MAX_VALUE);
                r = tiffReader(candidates, chain);
            }
            for (ImageReader other : candidates) {
                if (other != r) {
                    other.dispose();
                }
            }
            // TwelveMonkeys clamps float samples to [0, 1] in read(); its rasters keep them
            boolean floatRaster = chain != null
                    && chain.sampleFormat() == 3
                    && r.getClass().getName().startsWith(TWELVEMONKEYS);
            try {
                r.setInput(in, false, false);
                if (format.equals("webp")) {
                    checkRiffLength(file);
                }
                List<String> warnings = new ArrayList<>();
                r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                // only TIFF pages form a stack (GIF frames are an animation)
                int pages = chain != null ? chain.pages() : 1;
                if (format.equals("png")) {
                    PngFiles.checkChunks(file, limits);
                } else if (format.equals("jpeg")) {
                    refuseCmykJpeg(file);
                }
                checkDeclaredSize(file, r, pages, limits);
                Deadline deadline = new Deadline(file, limits.maxSeconds());
                r.addIIOReadProgressListener(deadline);
                List<BufferedImage> images = new ArrayList<>();
                for (int i = 0; i < pages; i++) {
                    BufferedImage page = floatRaster ? floatImage(r, i) : r.read(i);
                    deadline.check();
                    images.add(page);
                    if (!warnings.isEmpty()) {
                        throw new IOException("image " + file + " is corrupt or truncated: " + warnings.get(0));
                    }
                }
                PixelSize px = switch (format) {
                    case "png" -> PngFiles.pixelSize(r.getImageMetadata(0));
                    case "tiff" -> TiffFiles.readTags(file).pixelSize();
                    default -> null;
                };
                return new Decoded(format, images, px, false);
            } finally {
                r.dispose();
            }
        }
    }

    private static final String TWELVEMONKEYS = "com.twelvemonkeys.";

    /**
     * The JDK's TIFF reader keeps float samples exactly and is the one used, except for what it cannot
     * read right: predictors on samples wider than 8 bits (ImageMagick's default for 16-bit and float
     * TIFFs), CMYK and CIELab, which TwelveMonkeys' reader decodes (CMYK through its ICC profile).
     */
    private static ImageReader tiffReader(List<ImageReader> candidates, TiffFiles.PageChain chain) {
        boolean twelveMonkeys = chain.predictor() != 1 && chain.bitsPerSample() > 8
                || chain.photometric() == TiffFiles.PageChain.CMYK
                || chain.lab();
        for (ImageReader r : candidates) {
            if (r.getClass().getName().startsWith(TWELVEMONKEYS) == twelveMonkeys) {
                return r;
            }
        }
        return candidates.get(0);
    }

    /** A float page from its raster (no clamping), with the colour model the reader would give it. */
    private static BufferedImage floatImage(ImageReader r, int page) throws IOException {
        Raster raster = r.readRaster(page, null);
        java.awt.image.ColorModel cm = r.getImageTypes(page).next().getColorModel();
        return new BufferedImage(
                cm, Raster.createWritableRaster(raster.getSampleModel(), raster.getDataBuffer(), null), false, null);
    }

    /**
     * A JPEG with four colour components (CMYK or YCCK) decodes to wrong colours or not at all with
     * ImageIO's reader, so it is refused by its frame header, with what to do instead.
     */
    private static void refuseCmykJpeg(Path file) throws IOException {
        try (java.io.DataInputStream in =
                new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readUnsignedShort() != 0xFFD8) {
                return;
            }
            while (true) {
                if (in.readUnsignedByte() != 0xFF) {
                    return;
                }
                int marker = in.readUnsignedByte();
                while (marker == 0xFF) {
                    marker = in.readUnsignedByte();
                }
                if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) {
                    continue; // markers without a length
                }
                int length = in.readUnsignedShort();
                boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                if (frame) {
                    in.skipNBytes(5); // precision, height, width
                    int components = in.readUnsignedByte();
                    if (components == 4) {
                        throw new IOException(
                                "JPEG " + file + " is CMYK/YCCK (4 colour components), which is not decoded here: its"
                                        + " colours would come out wrong; convert it to RGB first (e.g. convert in.jpg -colorspace sRGB out.png)");
                    }
                    return;
                }
                if (marker == 0xDA || length < 2) {
                    return;
                }
                in.skipNBytes(length - 2);
            }
        } catch (java.io.EOFException e) {
            // truncated: the decoder reports it
        }
    }

    /**
     * A WebP file is a RIFF container whose header declares its length. The WebP decoder does not notice
     * a truncated file (it decodes what is there and leaves the rest black), so the length is checked here.
     */
    private static void checkRiffLength(Path file) throws IOException {
        byte[] head = new byte[12];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 12) < 12) {
                throw new IOException("image " + file + " is truncated: shorter than a WebP header");
            }
        }
        long declared =
                8 + ((head[4] & 0xffL) | (head[5] & 0xffL) << 8 | (head[6] & 0xffL) << 16 | (head[7] & 0xffL) << 24);
        long actual = Files.size(file);
        if (actual < declared) {
            throw new IOException("image " + file + " is truncated: its WebP (RIFF) header declares " + declared
                    + " bytes, the file has " + actual);
        }
    }

    private static void checkDeclaredSize(Path file, ImageReader r, int pages, DecodeLimits limits) throws IOException {
        int w = r.getWidth(0);
        int h = r.getHeight(0);
        limits.checkPixels(file, w, h, pages);
        for (int i = 1; i < pages; i++) {
            if (r.getWidth(i) != w || r.getHeight(i) != h) {
                throw new IOException("image " + file + ": page " + (i + 1) + " is " + r.getWidth(i) + "x"
                        + r.getHeight(i) + " but page 1 is " + w + "x" + h + "; a stack needs pages of one size");
            }
        }
    }

    /**
     * The time budget: decoders report progress while reading, and are aborted once it is spent (the
     * caller then refuses the file, naming the limit).
     */
    private static final class Deadline implements IIOReadProgressListener {
        private final Path file;
        private final double seconds;
        private final long end;
        private boolean expired;

        Deadline(Path file, double seconds) {
            this.file = file;
            this.seconds = seconds;
            this.end = System.nanoTime() + (long) Math.min(Long.MAX_VALUE / 4, seconds * 1e9);
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (System.nanoTime() - end > 0) {
                expired = true;
                source.abort();
            }
        }

        void check() throws IOException {
            if (expired || System.nanoTime() - end > 0) {
                throw new IOException("image " + file + " took longer than " + seconds + " s to decode, the limit ("
                        + DecodeLimits.hint(DecodeLimits.SECONDS_PROPERTY) + ")");
            }
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {}

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}

        @Override
        public void readAborted(ImageReader source) {
            expired = true;
        }
    }

    private static Decoded decodeWithCommonsImaging(Path file, DecodeLimits limits) throws IOException {
        var format = Imaging.guessFormat(file.toFile());
        if (!COMMONS_ONLY.contains(format)) { // ImageIO's own formats failed there already, or nothing matched
            return null;
        }
        var info = Imaging.getImageInfo(file.toFile());
        limits.checkPixels(file, info.getWidth(), info.getHeight(), 1);
        boolean grey =
                info.getColorType() == ImageInfo.ColorType.GRAYSCALE || info.getColorType() == ImageInfo.ColorType.BW;
        return new Decoded(
                format.getName().toLowerCase(Locale.ROOT),
                List.of(Imaging.getBufferedImage(file.toFile())),
                null,
                grey);
    }

    private static String format(String imageIoName) {
        String n = imageIoName.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "tif", "tiff" -> "tiff";
            case "jpg", "jpeg" -> "jpeg";
            default -> n;
        };
    }

    private static ImageData toImageData(Path file, Decoded d, IntensityMapping mapping, boolean requireFinite)
            throws IOException {
        BufferedImage first = d.pages().get(0);
        List<FloatTensor> tensors = new ArrayList<>();
        for (BufferedImage decoded : d.pages()) {
            BufferedImage page = toRgbOrGrey(decoded, file);
            FloatTensor t = toTensor(page, file);
            if (requireFinite && isFloat(page) && !t.allFinite()) {
                throw new IOException("image " + file + " has NaN or infinite pixel values (page "
                        + (tensors.size() + 1) + "); replace them (e.g. with 0) before using it");
            }
            if (d.grey() && t.channels() == 3) {
                t = new FloatTensor(
                        1, 1, t.height(), t.width(), java.util.Arrays.copyOf(t.data(), t.height() * t.width()));
            }
            if (!tensors.isEmpty() && t.channels() != tensors.get(0).channels()) {
                throw new IOException(
                        "image " + file + ": pages differ in colour (grey and RGB); a stack needs one kind");
            }
            tensors.add(t);
        }
        FloatTensor unit = tensors.size() == 1 ? tensors.get(0) : FloatTensor.stack(tensors);
        boolean floating = isFloat(first);
        int bits = floating
                ? 32
                : first.getColorModel() instanceof IndexColorModel
                        ? 8
                        : Math.max(8, first.getColorModel().getComponentSize(0));
        double rawMax = floating ? 1 : (1L << bits) - 1;
        IntensityScaling scaling = mapping.scalingFor(unit, rawMax, bits, floating);
        FloatTensor mapped = scaling.method().equals("linear") ? unit : unit.map(u -> scaling.toUnit(u * rawMax));
        return new ImageData(
                mapped,
                new ImageMetadata(d.format(), unit.channels(), bits, floating, tensors.size(), d.pixelSize(), scaling));
    }

    /**
     * Pixels in another colour space than RGB or grey (CMYK, Lab: the decoder gives them with their ICC
     * colour space) converted to sRGB through that colour space, keeping 16-bit precision; read as they
     * are, their channels would be taken for R, G and B.
     */
    private static BufferedImage toRgbOrGrey(BufferedImage img, Path file) throws IOException {
        ColorSpace cs = img.getColorModel().getColorSpace();
        if (cs.getType() == ColorSpace.TYPE_RGB || cs.getType() == ColorSpace.TYPE_GRAY) {
            return img;
        }
        if (isFloat(img)) {
            throw new IOException("image " + file + " has float samples in a " + colourSpaceName(cs)
                    + " colour space, which is not converted here; save it as RGB or grey");
        }
        int bits = img.getColorModel().getComponentSize(0) > 8 ? 16 : 8;
        ColorSpace srgb = ColorSpace.getInstance(ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(
                srgb,
                new int[] {bits, bits, bits},
                false,
                false,
                Transparency.OPAQUE,
                bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        BufferedImage out =
                new BufferedImage(cm, cm.createCompatibleWritableRaster(img.getWidth(), img.getHeight()), false, null);
        try {
            new ColorConvertOp(null).filter(img, out);
        } catch (RuntimeException e) {
            throw new IOException(
                    "image " + file + " is in a " + colourSpaceName(cs)
                            + " colour space that cannot be converted to RGB: " + e.getMessage(),
                    e);
        }
        return out;
    }

    private static String colourSpaceName(ColorSpace cs) {
        return switch (cs.getType()) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_Lab -> "Lab";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            default -> "non-RGB (type " + cs.getType() + ")";
        };
    }

    private static boolean isFloat(BufferedImage img) {
        int t = img.getRaster().getTransferType();
        return t == DataBuffer.TYPE_FLOAT || t == DataBuffer.TYPE_DOUBLE;
    }

    /** One page as [1, C, H, W] with integer samples divided by their type's maximum (floats as they are). */
    static FloatTensor toTensor(BufferedImage img, Path file) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h > Integer.MAX_VALUE / 3) {
            throw new IOException("image " + file + " is " + w + "x" + h + ", more pixels than one tensor holds");
        }
        Raster r = img.getRaster();
        int bands = img.getColorModel().getNumColorComponents();
        int c = bands >= 3 ? 3 : 1;
        boolean indexed = img.getType() == BufferedImage.TYPE_BYTE_INDEXED
                || img.getType() == BufferedImage.TYPE_BYTE_BINARY
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
