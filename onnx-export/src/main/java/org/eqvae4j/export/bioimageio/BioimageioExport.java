package org.eqvae4j.export.bioimageio;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eqvae4j.export.onnx.proto.Onnx;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.image.IntensityScaling;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.runtime.visual.LatentPca;

/**
 * A bundle as two bioimage.io model packages (format 0.5): {@code <id>-encoder} (image -> latent) and
 * {@code <id>-decoder} (latent -> image), since a bioimage.io model is one ONNX graph. Each package
 * folder holds {@code rdf.yaml}, the ONNX weights (with sha256), {@code test_input.npy} and
 * {@code test_output.npy} (float32, C order) made from a test image, a {@code README.md}, a 2:1
 * {@code cover.png} and the bundle's license file; optionally the same as a {@code .zip}.
 *
 * <p>Axes: {@code batch, channel, y, x}. The latent's spatial axes have {@code scale} = the downsampling
 * factor f and refer to the image's, so {@code latent = image / f} (encoder) and {@code image = latent * f}
 * (decoder) follow the spec's {@code size = reference.size * reference.scale / scale}. The bundle's tile
 * halo is declared as the output halo (halo/f latent pixels for the encoder, halo pixels for the
 * decoder), which tells a blockwise consumer how much of each tile's border to drop; the smallest valid
 * input is the smallest one whose output outlives that crop.
 *
 * <p>Preprocessing: {@code scale_range} (percentiles 1 and 99.8 of each sample, channels jointly,
 * as CSBDeep and {@code --intensity percentile} normalise microscopy) to [0, 1], then {@code scale_linear}
 * to the model's value range when that is not [0, 1]. The decoder's postprocessing maps its value range
 * back to [0, 1] and clips. Test outputs are computed from the test inputs by exactly those steps and
 * the package's own ONNX file.
 */
public final class BioimageioExport {
    /** The bioimage.io model description version written (the spec's JSON Schema pins the micro version). */
    public static final String FORMAT_VERSION = "0.5.7";

    public static final double LOW_PERCENTILE = 1;
    public static final double HIGH_PERCENTILE = 99.8;
    /** Declared reproducibility tolerance of the test outputs (the spec's defaults). */
    public static final double RELATIVE_TOLERANCE = 1e-3;

    public static final double ABSOLUTE_TOLERANCE = 1e-3;
    public static final int MISMATCHED_PER_MILLION = 100;
    static final String BUNDLED_TEST_IMAGE = "test-image.png";
    private static final int COVER_CELL = 256;
    private static final String EQ_VAE_CITATION =
            "Kouzelis, Kakogeorgiou, Gidaris, Komodakis: EQ-VAE: Equivariance Regularized "
                    + "Latent Space for Improved Generative Image Modeling. ICML 2025";
    private static final String EQ_VAE_DOI = "10.48550/arXiv.2502.09509";

    /**
     * @param testImage image the test tensors are made from; null: the bundled 96 x 96 crop of scikit-image's
     *                  chelsea.png (CC0)
     * @param authors   authors named in the packages (at least one)
     * @param zip       also write {@code <package>.zip} beside each folder
     */
    public record Options(Path testImage, List<String> authors, boolean zip, int threads) {
        public Options {
            if (authors == null || authors.isEmpty() || authors.stream().anyMatch(a -> a == null || a.isBlank())) {
                throw new IllegalArgumentException("at least one non-empty author name is needed (--author)");
            }
            authors = List.copyOf(authors);
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0 = ONNX Runtime's default), got " + threads);
            }
        }
    }

    /** One written package: its folder, its zip (null without --zip) and the tensors of its test. */
    public record Package(String role, Path folder, Path zip, FloatTensor testInput, FloatTensor testOutput) {}

    private final ModelBundle bundle;
    private final ModelManifest m;
    private final Options options;

    private BioimageioExport(ModelBundle bundle, Options options) {
        this.bundle = bundle;
        this.m = bundle.manifest();
        this.options = options;
    }

    /** Writes {@code <output>/<id>-encoder} and {@code <output>/<id>-decoder} (and zips). */
    public static List<Package> export(Path bundleDir, Path output, Options options) throws IOException {
        ModelBundle bundle = ModelBundle.open(bundleDir);
        if (bundle.manifest().kind() == LatentKind.VQ) {
            throw new IllegalArgumentException(
                    "bundle " + bundleDir + " is a VQ bundle: its encoder has two outputs (latent vectors "
                            + "and codebook indices); bioimage.io export takes bundles with one latent output (deterministic or KL)");
        }
        try {
            return new BioimageioExport(bundle, options).write(output);
        } catch (OrtException e) {
            throw new IOException("running bundle " + bundleDir + " on the test image failed: " + e.getMessage(), e);
        }
    }

    private List<Package> write(Path output) throws IOException, OrtException {
        int f = m.downsamplingFactor();
        int haloLatent = Math.max(0, m.tileHalo() / f);
        FloatTensor raw = testImage(f, haloLatent);
        FloatTensor unit = Preprocessing.scaleRange(raw, LOW_PERCENTILE, HIGH_PERCENTILE);
        double lo = m.valueRange()[0];
        double hi = m.valueRange()[1];
        boolean unitRange = lo == 0 && hi == 1;
        FloatTensor modelInput = unitRange ? unit : Preprocessing.scaleLinear(unit, hi - lo, lo);

        Path encoderDir = prepare(output.resolve(m.id() + "-encoder"));
        Path decoderDir = prepare(output.resolve(m.id() + "-decoder"));
        Path encoderOnnx = copy(bundle.file(ModelManifest.ENCODER), encoderDir);
        Path decoderOnnx = copy(bundle.file(ModelManifest.DECODER), decoderDir);
        FloatTensor latent = run(encoderOnnx, modelInput);
        FloatTensor decoded = run(decoderOnnx, latent);
        FloatTensor image = Preprocessing.clip(
                unitRange ? decoded : Preprocessing.scaleLinear(decoded, 1 / (hi - lo), -lo / (hi - lo)), 0, 1);

        FloatTensor shown = Preprocessing.clip(unit, 0, 1);
        FloatTensor pca = LatentPca.toRgb(latent);
        List<Package> written = new ArrayList<>();
        written.add(finish(encoderDir, "encoder", encoderOnnx, raw, latent, List.of(shown, pca), haloLatent));
        written.add(finish(decoderDir, "decoder", decoderOnnx, latent, image, List.of(pca, image), haloLatent));
        return written;
    }

    private Package finish(
            Path dir,
            String role,
            Path onnx,
            FloatTensor input,
            FloatTensor output,
            List<FloatTensor> cover,
            int haloLatent)
            throws IOException {
        Npy.write(input, dir.resolve("test_input.npy"));
        Npy.write(output, dir.resolve("test_output.npy"));
        ImageFiles.writePng(ImageGrid.of(List.of(cover), COVER_CELL, 0), dir.resolve("cover.png"));
        Path license = bundle.root().resolve("LICENSE");
        boolean hasLicense = Files.isRegularFile(license);
        if (hasLicense) {
            Files.copy(license, dir.resolve("LICENSE"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(dir.resolve("README.md"), readme(role, input, output, haloLatent));
        Map<String, Object> rdf = rdf(role, dir, onnx, haloLatent, hasLicense);
        Files.writeString(dir.resolve("rdf.yaml"), yaml().writeValueAsString(rdf));
        Path zip = options.zip() ? zip(dir) : null;
        return new Package(role, dir, zip, input, output);
    }

    /** The test image as raw values [1, C, H, W] (8-bit samples as 0..255), cropped to a valid input size. */
    private FloatTensor testImage(int f, int haloLatent) throws IOException {
        ImageData data;
        String name;
        if (options.testImage() != null) {
            name = options.testImage().toString();
            data = ImageFiles.readImage(options.testImage(), IntensityMapping.LINEAR);
        } else {
            name = "the bundled test image";
            Path tmp = Files.createTempFile("eqvae4j-test-image", ".png");
            try (InputStream in = BioimageioExport.class.getResourceAsStream(BUNDLED_TEST_IMAGE)) {
                if (in == null) {
                    throw new IOException(
                            "resource " + BUNDLED_TEST_IMAGE + " is missing from the eqvae4j-onnx-export jar");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                data = ImageFiles.readImage(tmp, IntensityMapping.LINEAR);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        FloatTensor x = LatentTransform.cropToMultiple(
                ImageFiles.toChannels(data.pixels().sample(0), m.imageChannels()), f);
        int min = minImageSize(f, haloLatent);
        if (x.height() < min || x.width() < min) {
            throw new IllegalArgumentException("test image " + name + " is "
                    + data.pixels().height() + " x " + data.pixels().width()
                    + " px; the packages need at least " + min + " x " + min + " (tile halo " + m.tileHalo()
                    + " px on each side of "
                    + "at least one latent pixel)");
        }
        IntensityScaling s = data.metadata().scaling();
        return x.map(s::toRaw);
    }

    /** The smallest image whose latent keeps at least one pixel after the halo is cropped from both sides. */
    static int minImageSize(int f, int haloLatent) {
        return (2 * haloLatent + 1) * f;
    }

    private Map<String, Object> rdf(String role, Path dir, Path onnx, int haloLatent, boolean hasLicense)
            throws IOException {
        boolean encoder = role.equals("encoder");
        int f = m.downsamplingFactor();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("format_version", FORMAT_VERSION);
        r.put("type", "model");
        r.put("name", packageName(m.name(), role));
        r.put(
                "description",
                encoder
                        ? "Encoder of the " + m.id() + " autoencoder (eqvae4j): image to " + m.latentChannels()
                                + "-channel latent at 1/" + f + " resolution."
                        : "Decoder of the " + m.id() + " autoencoder (eqvae4j): " + m.latentChannels()
                                + "-channel latent to image at " + f + "x resolution.");
        r.put("authors", options.authors().stream().map(a -> Map.of("name", a)).toList());
        r.put("cite", citations());
        if (m.license() != null) {
            r.put("license", m.license());
        }
        r.put(
                "tags",
                List.of(
                        "autoencoder",
                        "latent",
                        encoder ? "encoder" : "decoder",
                        "eq-vae",
                        "eqvae4j",
                        m.architecture(),
                        "onnx"));
        r.put("documentation", "README.md");
        r.put("covers", List.of("cover.png"));
        if (hasLicense) {
            r.put("attachments", List.of(file(dir, "LICENSE")));
        }
        r.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, Object> imageTensor = imageTensor(encoder, dir, haloLatent);
        Map<String, Object> latentTensor = latentTensor(encoder, dir, haloLatent);
        r.put("inputs", List.of(encoder ? imageTensor : latentTensor));
        r.put("outputs", List.of(encoder ? latentTensor : imageTensor));
        Map<String, Object> weights =
                new LinkedHashMap<>(file(dir, onnx.getFileName().toString()));
        weights.put("opset_version", opset(onnx));
        Object provenance = m.provenance().get("weights");
        weights.put(
                "comment",
                "the " + role + " graph of eqvae4j bundle " + m.id()
                        + (provenance == null ? "" : "; weights: " + provenance));
        r.put("weights", Map.of("onnx", weights));
        Map<String, Object> tolerance = new LinkedHashMap<>();
        tolerance.put("relative_tolerance", RELATIVE_TOLERANCE);
        tolerance.put("absolute_tolerance", ABSOLUTE_TOLERANCE);
        tolerance.put("mismatched_elements_per_million", MISMATCHED_PER_MILLION);
        tolerance.put("output_ids", List.of(encoder ? "latent" : "image"));
        tolerance.put("weights_formats", List.of("onnx"));
        Map<String, Object> bioimageio = new LinkedHashMap<>();
        bioimageio.put("reproducibility_tolerance", List.of(tolerance));
        bioimageio.put("architecture_type", m.architecture());
        bioimageio.put(
                "task",
                encoder ? "image encoding to a latent representation" : "image decoding from a latent representation");
        Map<String, Object> eqvae = new LinkedHashMap<>();
        eqvae.put("bundle_id", m.id());
        eqvae.put("role", role);
        eqvae.put("downsampling_factor", f);
        eqvae.put("latent_channels", m.latentChannels());
        eqvae.put("latent_scale", m.latentScale());
        eqvae.put("latent_shift", m.latentShift());
        eqvae.put("value_range", List.of(m.valueRange()[0], m.valueRange()[1]));
        eqvae.put("tile_size", m.tileSize());
        eqvae.put("tile_halo", m.tileHalo());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bioimageio", bioimageio);
        config.put("eqvae4j", eqvae);
        r.put("config", config);
        return r;
    }

    private Map<String, Object> imageTensor(boolean input, Path dir, int haloLatent) throws IOException {
        int f = m.downsamplingFactor();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", "image");
        t.put("description", input ? "image, any intensity range (normalised by preprocessing)" : "image in [0, 1]");
        List<String> channels = m.imageChannels() == 3
                ? List.of("r", "g", "b")
                : m.imageChannels() == 1 ? List.of("gray") : channelNames("c", m.imageChannels());
        t.put(
                "axes",
                input
                        ? axes(channels, null, id -> ordered("min", minImageSize(f, haloLatent), "step", f), 0)
                        : axes(channels, null, id -> ordered("tensor_id", "latent", "axis_id", id), m.tileHalo()));
        t.put("test_tensor", file(dir, input ? "test_input.npy" : "test_output.npy"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", "float32");
        if (!input) {
            data.put("range", List.of(0.0, 1.0));
        }
        t.put("data", data);
        double lo = m.valueRange()[0];
        double hi = m.valueRange()[1];
        boolean unitRange = lo == 0 && hi == 1;
        List<Object> steps = new ArrayList<>();
        if (input) {
            Map<String, Object> kwargs = new LinkedHashMap<>();
            kwargs.put("axes", List.of("channel", "y", "x"));
            kwargs.put("min_percentile", LOW_PERCENTILE);
            kwargs.put("max_percentile", HIGH_PERCENTILE);
            kwargs.put("eps", Preprocessing.SCALE_RANGE_EPS);
            steps.add(ordered("id", "scale_range", "kwargs", kwargs));
            if (!unitRange) {
                steps.add(ordered("id", "scale_linear", "kwargs", ordered("gain", hi - lo, "offset", lo)));
            }
            steps.add(ordered("id", "ensure_dtype", "kwargs", Map.of("dtype", "float32")));
            t.put("preprocessing", steps);
        } else {
            if (!unitRange) {
                steps.add(ordered(
                        "id", "scale_linear", "kwargs", ordered("gain", 1 / (hi - lo), "offset", -lo / (hi - lo))));
            }
            steps.add(ordered("id", "clip", "kwargs", ordered("min", 0.0, "max", 1.0)));
            steps.add(ordered("id", "ensure_dtype", "kwargs", Map.of("dtype", "float32")));
            t.put("postprocessing", steps);
        }
        return t;
    }

    private Map<String, Object> latentTensor(boolean output, Path dir, int haloLatent) throws IOException {
        int f = m.downsamplingFactor();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", "latent");
        t.put("description", "raw latent at 1/" + f + " of the image size (decoder's input as the encoder gives it)");
        List<String> channels = channelNames("z", m.latentChannels());
        // one latent pixel stands for f image pixels: size = image size * 1 / f (encoder), image = latent * f / 1
        // (decoder)
        t.put(
                "axes",
                output
                        ? axes(channels, (double) f, id -> ordered("tensor_id", "image", "axis_id", id), haloLatent)
                        : axes(channels, (double) f, id -> ordered("min", 2 * haloLatent + 1, "step", 1), 0));
        t.put("test_tensor", file(dir, output ? "test_output.npy" : "test_input.npy"));
        t.put("data", Map.of("type", "float32"));
        return t;
    }

    /** A map that keeps its keys in the order given, so that rdf.yaml reads in a fixed order. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** batch, channel, then space axes y and x of the given scale (null: 1), size and output halo (0: none). */
    private static List<Object> axes(List<String> channels, Double scale, Function<String, Object> size, int halo) {
        List<Object> axes = new ArrayList<>();
        axes.add(Map.of("type", "batch"));
        axes.add(ordered("type", "channel", "channel_names", channels));
        for (String id : List.of("y", "x")) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("type", "space");
            a.put("id", id);
            if (scale != null) {
                a.put("scale", scale);
            }
            a.put("size", size.apply(id));
            if (halo > 0) {
                a.put("halo", halo);
            }
            axes.add(a);
        }
        return axes;
    }

    private List<Object> citations() {
        List<Object> cite = new ArrayList<>();
        cite.add(ordered("text", EQ_VAE_CITATION, "doi", EQ_VAE_DOI));
        Map<String, String> source = ModelSources.citation(m.architecture());
        if (source != null) {
            cite.add(source);
        }
        return cite;
    }

    private String readme(String role, FloatTensor input, FloatTensor output, int haloLatent) {
        boolean encoder = role.equals("encoder");
        int f = m.downsamplingFactor();
        StringBuilder s = new StringBuilder();
        s.append("# ").append(packageName(m.name(), role)).append("\n\n");
        s.append(
                encoder
                        ? "The encoder of eqvae4j bundle `" + m.id() + "`: an image [batch, " + m.imageChannels()
                                + ", H, W] becomes a latent [batch, " + m.latentChannels() + ", H/" + f + ", W/" + f
                                + "]. Its companion package `" + m.id() + "-decoder` maps latents back to images.\n"
                        : "The decoder of eqvae4j bundle `" + m.id() + "`: a latent [batch, " + m.latentChannels()
                                + ", h, w] becomes an image [batch, " + m.imageChannels() + ", " + f + "h, " + f
                                + "w] in [0, 1]. Its companion package `" + m.id() + "-encoder` makes the latents.\n");
        s.append("\nThe latents are raw (a generator sees `(raw - ")
                .append(m.latentShift())
                .append(") * ")
                .append(m.latentScale())
                .append(
                        "`). EQ-VAE (Kouzelis et al., ICML 2025) fine-tunes autoencoders so that scaling or rotating a latent and decoding it ")
                .append("gives the scaled or rotated image.\n\n");
        s.append("## Inputs and outputs\n\n");
        if (encoder) {
            s.append(
                    "- preprocessing: the 1st and 99.8th percentiles of each image (all channels together) become 0 and 1 (`scale_range`)");
            s.append(
                    m.valueRange()[0] == 0 && m.valueRange()[1] == 1
                            ? ""
                            : ", then `scale_linear` to the model's range [" + m.valueRange()[0] + ", "
                                    + m.valueRange()[1] + "]");
            s.append(";\n- image sides: multiples of ")
                    .append(f)
                    .append(", at least ")
                    .append(minImageSize(f, haloLatent))
                    .append(" px.\n");
        } else {
            s.append("- latent sides: at least ")
                    .append(2 * haloLatent + 1)
                    .append(" px; postprocessing maps the decoder's range [")
                    .append(m.valueRange()[0])
                    .append(", ")
                    .append(m.valueRange()[1])
                    .append("] to [0, 1] and clips.\n");
        }
        s.append("\n## Tiling\n\nThe output halo (")
                .append(encoder ? haloLatent + " latent px = " + m.tileHalo() + " image px" : m.tileHalo() + " px")
                .append(") is the border eqvae4j drops from each tile when it tiles large images (tiles of ")
                .append(m.tileSize())
                .append(
                        " px). Operations over the whole image (GroupNorm) make tiles differ slightly from whole-image results; eqvae4j's own ")
                .append("runtime tiles with the whole-image stages split out and run once.\n");
        s.append("\n## Validation\n\n`test_input.npy` ")
                .append(shape(input))
                .append(" gives `test_output.npy` ")
                .append(shape(output))
                .append(" through the declared pre/postprocessing and `")
                .append(encoder ? "encoder.onnx" : "decoder.onnx")
                .append("` (ONNX Runtime) within a relative tolerance of ")
                .append(RELATIVE_TOLERANCE)
                .append(" and an absolute one of ")
                .append(ABSOLUTE_TOLERANCE)
                .append(". eqvae4j's measures of the whole autoencoder (model.json):\n\n");
        if (m.metrics().isEmpty()) {
            s.append("- none recorded in the bundle\n");
        }
        m.metrics()
                .forEach((k, v) ->
                        s.append("- ").append(k).append(": ").append(v).append('\n'));
        s.append("\n## Source\n\nExported by `eqvae export-bioimageio` from bundle `")
                .append(m.id())
                .append("` (architecture ")
                .append(m.architecture())
                .append(").");
        m.provenance().forEach((k, v) -> s.append("\n- ").append(k).append(": ").append(v));
        s.append("\n\nLicense: ")
                .append(m.license() == null ? "see LICENSE" : m.license())
                .append(".\n");
        return s.toString();
    }

    private static String shape(FloatTensor t) {
        return java.util.Arrays.toString(t.shape());
    }

    /** bioimage.io names: letters, digits, underscore, minus, parentheses and spaces, at most 64 characters. */
    static String packageName(String name, String role) {
        String suffix = " " + role;
        String clean = name.replaceAll("[^A-Za-z0-9_()\\- ]", "-")
                .replaceAll("\\s+", " ")
                .trim();
        int room = 64 - suffix.length();
        if (clean.length() > room) {
            clean = clean.substring(0, room).trim();
        }
        return clean + suffix;
    }

    private static List<String> channelNames(String prefix, int n) {
        List<String> names = new ArrayList<>();
        int digits = String.valueOf(n - 1).length();
        for (int i = 0; i < n; i++) {
            names.add(prefix + String.format(Locale.ROOT, "%0" + digits + "d", i));
        }
        return names;
    }

    private static Map<String, Object> file(Path dir, String name) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", name);
        d.put("sha256", sha256(dir.resolve(name)));
        return d;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** The default-domain opset the ONNX file imports. */
    static long opset(Path onnx) throws IOException {
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(onnx));
        return model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(Onnx.OperatorSetIdProto::getVersion)
                .findFirst()
                .orElseThrow(() -> new IOException(onnx + " imports no default-domain (ai.onnx) opset"));
    }

    private FloatTensor run(Path onnx, FloatTensor x) throws OrtException, IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (options.threads() > 0) {
                so.setIntraOpNumThreads(options.threads());
            }
            try (OrtSession session = env.createSession(onnx.toString(), so)) {
                if (session.getInputNames().size() != 1
                        || session.getOutputNames().size() != 1) {
                    throw new IOException(
                            onnx + " has inputs " + session.getInputNames() + " and outputs " + session.getOutputNames()
                                    + "; a bioimage.io package here takes a graph with one input and one output");
                }
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
                        OrtSession.Result r = session.run(
                                Map.of(session.getInputNames().iterator().next(), in))) {
                    OnnxTensor out = (OnnxTensor) r.get(0);
                    FloatBuffer fb = out.getFloatBuffer();
                    float[] data = new float[fb.remaining()];
                    fb.get(data);
                    return FloatTensor.of(out.getInfo().getShape(), data);
                }
            }
        }
    }

    private static Path prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(
                            "package folder " + dir + " exists and is not empty; remove it or choose another --output");
                }
            }
        }
        return Files.createDirectories(dir);
    }

    private static Path copy(Path file, Path dir) throws IOException {
        return Files.copy(file, dir.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static ObjectMapper yaml() {
        // strings stay quoted: unquoted, YAML 1.1 readers (PyYAML) take the axis id y for a boolean
        return new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .build());
    }

    /** {@code <folder>.zip} with the folder's files at the root, as bioimage.io expects ({@code rdf.yaml} first). */
    private static Path zip(Path dir) throws IOException {
        Path zip = dir.resolveSibling(dir.getFileName() + ".zip");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .sorted((a, b) -> a.getFileName().toString().equals("rdf.yaml")
                            ? -1
                            : b.getFileName().toString().equals("rdf.yaml") ? 1 : a.compareTo(b))
                    .toList();
        }
        try (OutputStream os = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(os)) {
            for (Path p : files) {
                z.putNextEntry(new ZipEntry(p.getFileName().toString()));
                Files.copy(p, z);
                z.closeEntry();
            }
        }
        return zip;
    }
}
