package org.eqvae4j.fiji;

import ai.onnxruntime.OrtException;
import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.Duplicator;
import ij.process.ColorProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.batch.BatchOperation;
import org.eqvae4j.runtime.batch.DecodeOperation;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.batch.RoundTripOperation;
import org.eqvae4j.runtime.batch.TransformOperation;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.metrics.RoundTrip;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.TransformSpec;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.runtime.visual.LatentPca;

/**
 * The plugin's operations on ImageJ images, shared by the SciJava commands and the macro-recordable
 * ImageJ 1 plugins (both thin). Each takes images and options, runs the runtime's models, and returns
 * images plus the numbers for a results table. Planes are encoded one at a time, with progress and a
 * cancellation check between them; images above one megapixel are tiled.
 */
public final class EqvaeOps {
    private EqvaeOps() {}

    public record Encoded(ImagePlus latent, Map<String, Object> metrics) {}

    public record Decoded(ImagePlus image, Map<String, Object> metrics) {}

    /** @param transformed tau(x) and D(tau(E(x))), or null without a transform */
    public record RoundTripped(
            ImagePlus reconstruction,
            ImagePlus transformed,
            ImagePlus transformedDecoded,
            Map<String, Object> metrics) {}

    public record Compared(ImagePlus panel, Map<String, Object> metrics) {}

    /** Image -> latent hyperstack (centre-cropped to a multiple of the downsampling factor). */
    public static Encoded encode(ImagePlus imp, LatentCodec codec, String intensity, Monitor monitor)
            throws OrtException {
        ModelManifest m = codec.manifest();
        ImagePlusTensors.ModelInput in = ImagePlusTensors.toModel(imp, m.imageChannels(), intensity);
        FloatTensor x = LatentTransform.cropToMultiple(in.pixels(), m.downsamplingFactor());
        FloatTensor z = perItem(x, codec::encode, monitor, "encoding");
        Latent latent = new Latent(z, LatentHeader.of(m, z.shape(), imp.getTitle(), in.metadata()));
        ImagePlus out = LatentImages.toImagePlus(latent, in.layout(), stem(imp.getTitle()) + "-latent");
        Map<String, Object> row = row("encode", imp, m.id());
        row.put("images", x.batch());
        row.put("height", x.height());
        row.put("width", x.width());
        row.put("latent_channels", z.channels());
        row.put("latent_height", z.height());
        row.put("latent_width", z.width());
        row.put("scaling", in.metadata().scaling().method());
        return new Encoded(out, row);
    }

    /** Latent hyperstack -> image like the one encoded (type, dimensions, intensity units, calibration). */
    public static Decoded decode(
            ImagePlus latentImage,
            LatentCodec codec,
            boolean ignoreBundleId,
            ImagePlusTensors.ResultType type,
            Monitor monitor)
            throws IOException, OrtException {
        LatentImages.LatentImage li = LatentImages.read(latentImage);
        LatentHeader h = li.latent().header();
        checkDecodable(h, codec.manifest(), latentImage, ignoreBundleId);
        FloatTensor image = perItem(li.latent().values(), codec::decode, monitor, "decoding");
        ImageMetadata like = h.source() != null
                ? h.source()
                : ImageMetadata.plain8Bit(codec.manifest().imageChannels());
        String title = stem(h.sourceFile() == null ? latentImage.getTitle() : h.sourceFile()) + "-decoded";
        ImagePlusTensors.Converted c = ImagePlusTensors.toImagePlus(image, li.layout(), like, type, title);
        Map<String, Object> row = row("decode", latentImage, codec.manifest().id());
        row.put("images", image.batch());
        row.put("height", image.height());
        row.put("width", image.width());
        row.put("transforms", String.join(" ", h.transforms()));
        row.put("clipped", c.clipped());
        return new Decoded(c.image(), row);
    }

    /** A transformed latent (scale, rot, flip, crop as {@link TransformSpec} reads them); no model needed. */
    public static ImagePlus transform(ImagePlus latentImage, String spec) throws IOException {
        LatentTransform tau = TransformSpec.parse(spec);
        LatentImages.LatentImage li = LatentImages.read(latentImage);
        Latent t = li.latent().transformed(tau, spec.trim());
        return LatentImages.toImagePlus(
                t, li.layout(), stem(latentImage.getTitle()) + "-" + spec.trim().replace(',', '_'));
    }

    /**
     * Encode + decode with PSNR (8-bit, per plane, averaged); with a transform also tau(x) and
     * D(tau(E(x))) and the PSNR between them (the EQ-VAE comparison), their calibration rescaled.
     */
    public static RoundTripped roundTrip(
            ImagePlus imp,
            LatentCodec codec,
            String intensity,
            String spec,
            ImagePlusTensors.ResultType type,
            Monitor monitor)
            throws OrtException {
        ModelManifest m = codec.manifest();
        LatentTransform tau = spec == null || spec.isBlank() ? null : TransformSpec.parse(spec);
        ImagePlusTensors.ModelInput in = ImagePlusTensors.toModel(imp, m.imageChannels(), intensity);
        FloatTensor x = LatentTransform.cropToMultiple(in.pixels(), m.downsamplingFactor());
        List<RoundTrip.Result> results = new ArrayList<>();
        for (int n = 0; n < x.batch(); n++) {
            monitor.check();
            monitor.progress(n, x.batch(), "round trip " + (n + 1) + " of " + x.batch());
            results.add(RoundTrip.run(codec, x.sample(n), tau));
        }
        monitor.progress(x.batch(), x.batch(), "round trip done");
        String stem = stem(imp.getTitle());
        ImagePlusTensors.Converted recon = ImagePlusTensors.toImagePlus(
                stack(results, RoundTrip.Result::reconstruction), in.layout(), in.metadata(), type, stem + "-recon");
        Map<String, Object> row = row("roundtrip", imp, m.id());
        row.put("images", x.batch());
        row.put("height", x.height());
        row.put("width", x.width());
        row.put(
                "psnr_db",
                results.stream().mapToDouble(RoundTrip.Result::psnr).average().orElseThrow());
        long clipped = recon.clipped();
        ImagePlus target = null;
        ImagePlus decoded = null;
        if (tau != null) {
            RoundTrip.Result first = results.get(0);
            ImageMetadata moved =
                    in.metadata().withPixelSize(transformedPixelSize(first.latent(), m, in.metadata(), tau, spec));
            ImagePlusTensors.Converted t = ImagePlusTensors.toImagePlus(
                    stack(results, RoundTrip.Result::transformedTarget), in.layout(), moved, type, stem + "-tau");
            ImagePlusTensors.Converted d = ImagePlusTensors.toImagePlus(
                    stack(results, RoundTrip.Result::transformedDecoded),
                    in.layout(),
                    moved,
                    type,
                    stem + "-tau-decoded");
            target = t.image();
            decoded = d.image();
            clipped += t.clipped() + d.clipped();
            row.put("transform", spec.trim());
            row.put(
                    "transformed_psnr_db",
                    results.stream()
                            .mapToDouble(RoundTrip.Result::transformedPsnr)
                            .average()
                            .orElseThrow());
        }
        row.put("clipped", clipped);
        return new RoundTripped(recon.image(), target, decoded, row);
    }

    /** The pixel size of tau(x): the one the latent header records after the transform. */
    private static PixelSize transformedPixelSize(
            FloatTensor z, ModelManifest m, ImageMetadata meta, LatentTransform tau, String spec) {
        if (meta.pixelSize() == null) {
            return null;
        }
        return new Latent(z, LatentHeader.of(m, z.shape(), null, meta))
                .transformed(tau, spec)
                .header()
                .source()
                .pixelSize();
    }

    /**
     * The latent's top three principal components as RGB, one plane per encoded plane (the paper's
     * Figure 1 view). A latent image is shown as it is; any other image is encoded first.
     */
    public static ImagePlus pcaView(ImagePlus imp, LatentCodec codecOrNull, String intensity, Monitor monitor)
            throws IOException, OrtException {
        ImagePlus latentImage = imp;
        if (!LatentImages.isLatent(imp)) {
            if (codecOrNull == null) {
                throw new IllegalArgumentException(
                        "image '" + imp.getTitle() + "' is not a latent; choose a model to encode it");
            }
            latentImage = encode(imp, codecOrNull, intensity, monitor).latent();
        }
        FloatTensor z = LatentImages.read(latentImage).latent().values();
        ImageStack stack = new ImageStack(z.width(), z.height());
        for (int n = 0; n < z.batch(); n++) {
            stack.addSlice("PCA image " + (n + 1), rgb(LatentPca.toRgb(z.sample(n))));
        }
        ImagePlus out = new ImagePlus(stem(imp.getTitle()).replaceFirst("-latent$", "") + "-latent-pca", stack);
        out.setCalibration(latentImage.getCalibration().copy());
        return out;
    }

    /**
     * The paper's Figure 2 panel for the current plane (all channels of it for a channels-as-colour
     * hyperstack): x, D(E(x)), tau(x), D(tau(E(x))) side by side, with the PSNRs and the equivariance
     * error ||tau(E(x)) - E(tau(x))||^2 / ||E(tau(x))||^2.
     */
    public static Compared compareEquivariance(
            ImagePlus imp, LatentCodec codec, String intensity, String spec, Monitor monitor) throws OrtException {
        ImagePlusTensors.checked(imp);
        LatentTransform tau = TransformSpec.parse(spec);
        ModelManifest m = codec.manifest();
        int f = m.downsamplingFactor();
        ImagePlus current = currentPlane(imp, m.imageChannels());
        FloatTensor x = LatentTransform.cropToMultiple(
                ImagePlusTensors.toModel(current, m.imageChannels(), intensity).pixels(), f);
        monitor.progress(0, 3, "encoding");
        RoundTrip.Result r = RoundTrip.run(codec, x, tau);
        monitor.check();
        monitor.progress(2, 3, "encoding the transformed image");
        FloatTensor zTauX = codec.encode(r.transformedTarget());
        double error = AutoencoderEvaluation.relativeError(tau.apply(r.latent()), zTauX);
        monitor.progress(3, 3, "done");
        int cell = Math.max(x.height(), x.width());
        FloatTensor panel = ImageGrid.of(
                List.of(List.of(x, r.reconstruction(), r.transformedTarget(), r.transformedDecoded())), cell, 4);
        ImagePlus out = new ImagePlus(stem(imp.getTitle()) + "-equivariance " + spec.trim(), rgb(panel));
        out.setProperty(
                "Info",
                "EQ-VAE equivariance comparison (" + m.id() + ", tau = " + spec.trim() + ")\n"
                        + "panels: x | D(E(x)) | tau(x) | D(tau(E(x))), each shown at " + cell + " px\n");
        Map<String, Object> row = row("compare", imp, m.id());
        row.put("transform", spec.trim());
        row.put("height", x.height());
        row.put("width", x.width());
        row.put("psnr_db", r.psnr());
        row.put("transformed_psnr_db", r.transformedPsnr());
        row.put("equivariance_error", error);
        return new Compared(out, row);
    }

    private static ImagePlus currentPlane(ImagePlus imp, int modelChannels) {
        if (imp.getStackSize() == 1) {
            return imp;
        }
        boolean channels =
                imp.getType() != ImagePlus.COLOR_RGB && imp.getNChannels() == modelChannels && modelChannels > 1;
        int c = imp.getC();
        ImagePlus one = new Duplicator()
                .run(
                        imp,
                        channels ? 1 : c,
                        channels ? imp.getNChannels() : c,
                        imp.getZ(),
                        imp.getZ(),
                        imp.getT(),
                        imp.getT());
        one.setTitle(imp.getTitle());
        return one;
    }

    /**
     * {@code count} images decoded from the bundle's generator (a stack at the generator's image size, RGB for 3-channel models), with
     * the sampler defaults of model.json: class {@code cls} for every image, or -1 for every class in turn.
     */
    public static ImagePlus sample(
            LatentSampler sampler, LatentCodec codec, int count, int cls, long seed, Monitor monitor)
            throws OrtException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        monitor.progress(0, count, "sampling " + count + " latents (" + sampler.describe() + ")");
        FloatTensor z = sampler.sample(count, cls, seed);
        List<FloatTensor> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            monitor.check();
            monitor.progress(i, count, "decoding sample " + (i + 1) + " of " + count);
            images.add(codec.decode(z.sample(i)));
        }
        monitor.progress(count, count, "sampling done");
        FloatTensor all = FloatTensor.stack(images);
        PlaneLayout layout = codec.manifest().imageChannels() == 3
                ? new PlaneLayout(PlaneLayout.Mode.RGB, 1, count, 1)
                : new PlaneLayout(PlaneLayout.Mode.PLANES, 1, count, 1);
        return ImagePlusTensors.toImagePlus(
                        all,
                        layout,
                        ImageMetadata.plain8Bit(layout.itemChannels()),
                        ImagePlusTensors.ResultType.SAME,
                        codec.manifest().id() + "-samples seed " + seed)
                .image();
    }

    /** Folder batch operations, as {@code eqvae batch --op}. */
    public enum BatchOp {
        ROUNDTRIP,
        ENCODE,
        DECODE,
        TRANSFORM;

        public static String[] labels() {
            return new String[] {"roundtrip", "encode", "decode", "transform"};
        }

        public static BatchOp parse(String s) {
            try {
                return valueOf(
                        s.trim().toUpperCase(Locale.ROOT).replace("-", "").replace(" ", ""));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(
                        "operation must be roundtrip, encode, decode or transform, got '" + s + "'");
            }
        }
    }

    /** One row per input file (the runtime's summary.csv as a table); the summary is written too. */
    public record BatchResult(List<Map<String, Object>> rows, int done, int skipped, int failed) {}

    /**
     * Runs the runtime's {@link FolderBatch} over a folder tree (mirrored outputs, skipping what is done,
     * per-file failures reported and the others carried on).
     *
     * @param codec null for {@link BatchOp#TRANSFORM}
     */
    public static BatchResult batch(
            Path input,
            Path output,
            BatchOp op,
            LatentCodec codec,
            String intensity,
            String spec,
            FolderBatch.Options options,
            boolean ignoreBundleId,
            Monitor monitor)
            throws IOException {
        BatchOperation<?> operation = switch (op) {
            case ROUNDTRIP ->
                new RoundTripOperation(
                        codec,
                        spec == null || spec.isBlank() ? null : TransformSpec.parse(spec),
                        ImagePlusTensors.mapping(intensity, 8));
            case ENCODE -> new EncodeOperation(codec, ImagePlusTensors.mapping(intensity, 8));
            case DECODE -> new DecodeOperation(codec, ignoreBundleId);
            case TRANSFORM -> new TransformOperation(spec);
        };
        return runBatch(input, output, operation, options, monitor);
    }

    private static <R> BatchResult runBatch(
            Path input, Path output, BatchOperation<R> op, FolderBatch.Options options, Monitor monitor)
            throws IOException {
        List<FolderBatch.Item<R>> items = FolderBatch.run(input, output, op, options, monitor.listener());
        List<Map<String, Object>> rows = new ArrayList<>();
        int[] counts = new int[3];
        for (FolderBatch.Item<R> it : items) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", it.input().toString());
            row.put("status", it.status().name().toLowerCase(Locale.ROOT));
            List<String> values = op.values(it.result());
            for (int i = 0; i < op.columns().size(); i++) {
                row.put(op.columns().get(i), values.get(i));
            }
            row.put("error", it.error() == null ? "" : it.error());
            rows.add(row);
            counts[it.status().ordinal()]++;
        }
        return new BatchResult(rows, counts[0], counts[1], counts[2]);
    }

    /** What a results table shows about a bundle. */
    public static Map<String, Object> info(ModelBundle bundle) {
        ModelManifest m = bundle.manifest();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", m.id());
        row.put("name", m.name());
        row.put("folder", bundle.root().toAbsolutePath().normalize().toString());
        row.put("architecture", m.architecture());
        row.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
        row.put("image_channels", m.imageChannels());
        row.put("latent_channels", m.latentChannels());
        row.put("downsampling", m.downsamplingFactor());
        row.put("value_range", m.valueRange()[0] + " " + m.valueRange()[1]);
        row.put("latent_scale", m.latentScale());
        row.put("latent_shift", m.latentShift());
        row.put("tile_size", m.tileSize());
        row.put("tile_halo", m.tileHalo());
        row.put("generator", bundle.has(ModelManifest.GENERATOR) ? m.files().get(ModelManifest.GENERATOR) : "none");
        row.put("license", m.license());
        m.metrics().forEach((k, v) -> row.put(k, v));
        return row;
    }

    private static void checkDecodable(LatentHeader h, ModelManifest m, ImagePlus imp, boolean ignoreBundleId) {
        try {
            LatentFile.checkDecodable(
                    h,
                    m,
                    Path.of(imp.getTitle().isBlank() ? "latent" : imp.getTitle().replace('/', '_')),
                    ignoreBundleId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage()
                            .replaceFirst("^latent file ", "latent image ")
                            .replace("(--ignore-bundle-id decodes anyway)", "(the 'ignore' option decodes anyway)"),
                    e);
        }
    }

    @FunctionalInterface
    private interface Call {
        FloatTensor apply(FloatTensor x) throws OrtException;
    }

    private static FloatTensor perItem(FloatTensor x, Call call, Monitor monitor, String verb) throws OrtException {
        List<FloatTensor> out = new ArrayList<>();
        for (int n = 0; n < x.batch(); n++) {
            monitor.check();
            monitor.progress(n, x.batch(), verb + " " + (n + 1) + " of " + x.batch());
            out.add(call.apply(x.sample(n)));
        }
        monitor.progress(x.batch(), x.batch(), verb + " done");
        return out.size() == 1 ? out.get(0) : FloatTensor.stack(out);
    }

    private static FloatTensor stack(
            List<RoundTrip.Result> results, java.util.function.Function<RoundTrip.Result, FloatTensor> part) {
        return results.size() == 1
                ? part.apply(results.get(0))
                : FloatTensor.stack(results.stream().map(part).toList());
    }

    private static ColorProcessor rgb(FloatTensor x) {
        int w = x.width();
        int h = x.height();
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            int y = i / w;
            int xx = i % w;
            int r = ImageFiles.toByte(x.get(0, 0, y, xx));
            int g = ImageFiles.toByte(x.get(0, x.channels() == 1 ? 0 : 1, y, xx));
            int b = ImageFiles.toByte(x.get(0, x.channels() == 1 ? 0 : 2, y, xx));
            px[i] = (r << 16) | (g << 8) | b;
        }
        return new ColorProcessor(w, h, px);
    }

    private static Map<String, Object> row(String operation, ImagePlus imp, String model) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("operation", operation);
        row.put("image", imp.getTitle());
        row.put("model", model);
        return row;
    }

    static String stem(String title) {
        String t = title == null || title.isBlank() ? "image" : title;
        return t.replaceFirst("\\.latent\\.tiff?$", "").replaceFirst("\\.[A-Za-z0-9]{1,5}$", "");
    }
}
