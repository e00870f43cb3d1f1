package org.eqvae4j.export.bioimageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;
import org.eqvae4j.export.testing.ProjectFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped TAEF2 bundle exported as bioimage.io packages: each rdf.yaml is valid under the spec's
 * published JSON Schema, and each ONNX graph run on its test input through the declared processing
 * reproduces its test output within the declared tolerance.
 */
class BioimageioExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static Schema modelSchema;
    private static Schema publishedSchema;

    @TempDir
    static Path out;

    private static List<BioimageioExport.Package> packages;

    @BeforeAll
    static void exportTaef2() throws Exception {
        ObjectNode schema;
        try (InputStream in = new GZIPInputStream(
                BioimageioExportTest.class.getResourceAsStream("/bioimageio/bioimageio_schema.json.gz"))) {
            schema = (ObjectNode) JSON.readTree(in);
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        publishedSchema = registry.getSchema(JSON.writeValueAsString(schema), InputFormat.JSON);
        // the same document with its root pointed at model 0.5 alone, so that a failure names the field, not a oneOf
        ObjectNode model = schema.deepCopy();
        model.remove(List.of("oneOf", "discriminator"));
        model.put("$ref", "#/$defs/bioimageio__spec__model__v0_5__ModelDescr");
        modelSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.writeValueAsString(model), InputFormat.JSON);
        packages = BioimageioExport.export(
                ProjectFiles.taef2Bundle(), out, new BioimageioExport.Options(null, List.of("eqvae4j test"), true, 2));
    }

    @Test
    void bothPackagesAreValidUnderThePublishedSchema() throws Exception {
        assertEquals(
                List.of("encoder", "decoder"),
                packages.stream().map(BioimageioExport.Package::role).toList());
        for (BioimageioExport.Package p : packages) {
            String rdf = Files.readString(p.folder().resolve("rdf.yaml"));
            String json = JSON.writeValueAsString(YAML.readTree(rdf));
            List<Error> errors = modelSchema.validate(json, InputFormat.JSON);
            assertTrue(errors.isEmpty(), p.role() + ": " + errors);
            assertTrue(
                    publishedSchema.validate(json, InputFormat.JSON).isEmpty(), p.role() + " under the schema's root");
            assertTrue(rdf.contains("format_version: \"0.5.7\""), rdf);
        }
    }

    @Test
    void theSchemaCatchesWhatTheSpecForbids() throws Exception {
        ObjectNode rdf = (ObjectNode)
                YAML.readTree(packages.get(0).folder().resolve("rdf.yaml").toFile());
        ObjectNode noWeights = rdf.deepCopy();
        noWeights.remove("weights");
        assertFalse(
                modelSchema
                        .validate(JSON.writeValueAsString(noWeights), InputFormat.JSON)
                        .isEmpty(),
                "weights are required");
        ObjectNode badAxis = rdf.deepCopy();
        ((ObjectNode) badAxis.get("inputs").get(0).get("axes").get(2)).put("size", 0);
        assertFalse(
                modelSchema
                        .validate(JSON.writeValueAsString(badAxis), InputFormat.JSON)
                        .isEmpty(),
                "axis size 0");
        ObjectNode badName = rdf.deepCopy();
        badName.put("name", "abc");
        assertFalse(
                modelSchema
                        .validate(JSON.writeValueAsString(badName), InputFormat.JSON)
                        .isEmpty(),
                "names have 5+ characters");
    }

    @Test
    void eachGraphReproducesItsTestOutputWithinTheDeclaredTolerance() throws Exception {
        for (BioimageioExport.Package p : packages) {
            JsonNode rdf = YAML.readTree(p.folder().resolve("rdf.yaml").toFile());
            JsonNode input = rdf.get("inputs").get(0);
            JsonNode output = rdf.get("outputs").get(0);
            FloatTensor x = Npy.read(
                    p.folder().resolve(input.get("test_tensor").get("source").asText()));
            FloatTensor expected = Npy.read(
                    p.folder().resolve(output.get("test_tensor").get("source").asText()));
            assertArrayEquals(p.testInput().data(), x.data(), p.role());
            FloatTensor y = apply(
                    output.path("postprocessing"),
                    run(
                            p.folder()
                                    .resolve(rdf.get("weights")
                                            .get("onnx")
                                            .get("source")
                                            .asText()),
                            apply(input.path("preprocessing"), x)));
            assertArrayEquals(expected.shape(), y.shape(), p.role());
            JsonNode tol = rdf.get("config")
                    .get("bioimageio")
                    .get("reproducibility_tolerance")
                    .get(0);
            double rtol = tol.get("relative_tolerance").asDouble();
            double atol = tol.get("absolute_tolerance").asDouble();
            long mismatched = 0;
            for (int i = 0; i < y.data().length; i++) {
                if (Math.abs(y.data()[i] - expected.data()[i]) > atol + rtol * Math.abs(expected.data()[i])) {
                    mismatched++;
                }
            }
            assertTrue(
                    mismatched <= tol.get("mismatched_elements_per_million").asLong() * y.data().length / 1_000_000,
                    p.role() + ": " + mismatched + " of " + y.data().length + " values outside the tolerance");
        }
    }

    @Test
    void sizesFollowTheDeclaredAxisRelationsAndHashesMatch() throws Exception {
        BioimageioExport.Package enc = packages.get(0);
        BioimageioExport.Package dec = packages.get(1);
        assertArrayEquals(new long[] {1, 3, 96, 96}, enc.testInput().shape(), "bundled 96 px test image");
        assertArrayEquals(new long[] {1, 32, 12, 12}, enc.testOutput().shape(), "latent = image / 8");
        assertArrayEquals(
                enc.testOutput().data(), dec.testInput().data(), "the decoder's test input is the encoder's output");
        assertArrayEquals(new long[] {1, 3, 96, 96}, dec.testOutput().shape(), "image = latent * 8");
        float max = 0;
        for (float v : enc.testInput().data()) {
            max = Math.max(max, v);
        }
        assertTrue(max > 1 && max <= 255, "the encoder's test input is in the image's own units (8-bit): max " + max);
        for (BioimageioExport.Package p : packages) {
            JsonNode rdf = YAML.readTree(p.folder().resolve("rdf.yaml").toFile());
            JsonNode in = rdf.get("inputs").get(0);
            JsonNode outAxes = rdf.get("outputs").get(0).get("axes");
            FloatTensor x = Npy.read(p.folder().resolve("test_input.npy"));
            FloatTensor y = Npy.read(p.folder().resolve("test_output.npy"));
            for (int a = 2; a < 4; a++) {
                JsonNode inAxis = in.get("axes").get(a);
                JsonNode outAxis = outAxes.get(a);
                assertEquals(
                        in.get("id").asText(),
                        outAxis.get("size").get("tensor_id").asText());
                assertEquals(
                        inAxis.get("id").asText(),
                        outAxis.get("size").get("axis_id").asText());
                long size = (long) Math.floor(x.shape()[a]
                        * inAxis.path("scale").asDouble(1)
                        / outAxis.path("scale").asDouble(1));
                assertEquals(size, y.shape()[a], p.role() + " axis " + outAxis.get("id"));
                long min = inAxis.get("size").get("min").asLong();
                assertTrue(x.shape()[a] >= min
                        && (x.shape()[a] - min) % inAxis.get("size").get("step").asLong() == 0);
                long minOut = (long) Math.floor(min
                        * inAxis.path("scale").asDouble(1)
                        / outAxis.path("scale").asDouble(1));
                assertTrue(minOut - 2 * outAxis.get("halo").asLong() >= 1, "the smallest input outlives the halo crop");
            }
            assertEquals(
                    p.role().equals("encoder") ? 4 : 32,
                    outAxes.get(2).get("halo").asInt(),
                    "tile halo 32 px = 4 latent px");
            for (JsonNode file : List.of(
                    in.get("test_tensor"),
                    rdf.get("outputs").get(0).get("test_tensor"),
                    rdf.get("weights").get("onnx"),
                    rdf.get("attachments").get(0))) {
                assertEquals(
                        BioimageioExport.sha256(
                                p.folder().resolve(file.get("source").asText())),
                        file.get("sha256").asText());
            }
            assertEquals(
                    BioimageioExport.sha256(ProjectFiles.taef2Bundle().resolve(p.role() + ".onnx")),
                    rdf.get("weights").get("onnx").get("sha256").asText(),
                    "weights are the bundle's graph, unchanged");
            assertTrue(rdf.get("weights").get("onnx").get("opset_version").asInt() >= 7);
            assertTrue(rdf.get("cite").toString().contains("10.48550/arXiv.2502.09509"));
            assertTrue(rdf.get("cite").toString().contains("madebyollin/taesd"), "model source of taef2");
            assertEquals("MIT", rdf.get("license").asText());
            String readme = Files.readString(p.folder().resolve("README.md"));
            assertTrue(readme.contains("## Validation") && readme.contains("psnr"), readme);
            java.awt.image.BufferedImage cover =
                    javax.imageio.ImageIO.read(p.folder().resolve("cover.png").toFile());
            assertEquals(2 * cover.getHeight(), cover.getWidth(), "cover aspect 2:1");
            try (ZipFile zip = new ZipFile(p.zip().toFile())) {
                assertEquals("rdf.yaml", zip.entries().nextElement().getName());
                List<String> names = new ArrayList<>();
                zip.stream().forEach(e -> names.add(e.getName()));
                List<String> files;
                try (var s = Files.list(p.folder())) {
                    files = s.map(f -> f.getFileName().toString()).sorted().toList();
                }
                assertEquals(files, names.stream().sorted().toList());
            }
        }
    }

    @Test
    void badInputsAreRefusedNamingWhatIsWrong(@TempDir Path dir) throws Exception {
        BioimageioExport.Options o = new BioimageioExport.Options(null, List.of("x"), false, 1);
        IllegalArgumentException vq = assertThrows(
                IllegalArgumentException.class,
                () -> BioimageioExport.export(ProjectFiles.root().resolve("models/vq-small-fmnist"), dir, o));
        assertTrue(vq.getMessage().contains("VQ"), vq.getMessage());
        Path small = dir.resolve("small.png");
        FloatTensor grey = FloatTensor.zeros(1, 1, 64, 64);
        org.eqvae4j.runtime.image.ImageFiles.writePng(grey, small);
        IllegalArgumentException tooSmall = assertThrows(
                IllegalArgumentException.class,
                () -> BioimageioExport.export(
                        ProjectFiles.taef2Bundle(),
                        dir.resolve("a"),
                        new BioimageioExport.Options(small, List.of("x"), false, 1)));
        assertTrue(
                tooSmall.getMessage().contains("at least 72 x 72")
                        && tooSmall.getMessage().contains("small.png"),
                tooSmall.getMessage());
        Files.createDirectories(dir.resolve("b/taef2-encoder"));
        Files.writeString(dir.resolve("b/taef2-encoder/keep.txt"), "x");
        IOException exists = assertThrows(
                IOException.class, () -> BioimageioExport.export(ProjectFiles.taef2Bundle(), dir.resolve("b"), o));
        assertTrue(exists.getMessage().contains("not empty"), exists.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BioimageioExport.Options(null, List.of(), false, 1));
    }

    @Test
    void npyMatchesNumpyByteForByte(@TempDir Path dir) throws Exception {
        byte[] numpy;
        try (InputStream in = getClass().getResourceAsStream("/bioimageio/reference-1x2x2x3.npy")) {
            numpy = in.readAllBytes();
        }
        // written by numpy 2.4: np.save(f, (np.arange(12, dtype=np.float32) * 0.5 - 1).reshape(1, 2, 2, 3))
        float[] values = new float[12];
        for (int i = 0; i < 12; i++) {
            values[i] = i * 0.5f - 1;
        }
        FloatTensor t = FloatTensor.of(new long[] {1, 2, 2, 3}, values);
        FloatTensor read = Npy.fromBytes(numpy);
        assertArrayEquals(t.shape(), read.shape());
        assertArrayEquals(values, read.data());
        assertArrayEquals(numpy, Npy.toBytes(t));
        Npy.write(t, dir.resolve("t.npy"));
        assertArrayEquals(values, Npy.read(dir.resolve("t.npy")).data());
        byte[] wrongType = Arrays.copyOf(numpy, numpy.length);
        wrongType[0x0C + 10] = 'i';
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.fromBytes(wrongType));
        assertTrue(e.getMessage().contains("<i4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.fromBytes(Arrays.copyOf(numpy, numpy.length - 4)));
    }

    @Test
    void percentilesAndNamesFollowNumpyAndTheSpec() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        // np.percentile(np.arange(1, 11), [1, 99.8, 50, 37.5]) = [1.09, 9.982, 5.5, 4.375]
        assertEquals(1.09, Preprocessing.percentile(sorted, 1), 1e-12);
        assertEquals(9.982, Preprocessing.percentile(sorted, 99.8), 1e-12);
        assertEquals(5.5, Preprocessing.percentile(sorted, 50), 1e-12);
        assertEquals(4.375, Preprocessing.percentile(sorted, 37.5), 1e-12);
        assertEquals(
                "TAEF2 tiny autoencoder (FLUX-2 latents) encoder",
                BioimageioExport.packageName("TAEF2 tiny autoencoder (FLUX.2 latents)", "encoder"));
        assertTrue(BioimageioExport.packageName("x".repeat(100), "decoder").length() <= 64);
        assertEquals(72, BioimageioExport.minImageSize(8, 4));
    }

    /** The declared processing steps, read from the rdf and computed here independently of the exporter. */
    private static FloatTensor apply(JsonNode steps, FloatTensor x) {
        for (JsonNode step : steps) {
            JsonNode k = step.path("kwargs");
            switch (step.get("id").asText()) {
                case "scale_range" -> {
                    assertEquals(
                            List.of("channel", "y", "x"),
                            JSON.convertValue(k.get("axes"), List.class),
                            "per-sample, all channels jointly");
                    float[] v = x.data().clone();
                    Arrays.sort(v);
                    double lo = numpyPercentile(v, k.get("min_percentile").asDouble());
                    double hi = numpyPercentile(v, k.get("max_percentile").asDouble());
                    double eps = k.get("eps").asDouble();
                    x = x.map(a -> (a - lo) / (hi - lo + eps));
                }
                case "scale_linear" -> {
                    double gain = k.get("gain").asDouble();
                    double offset = k.get("offset").asDouble();
                    x = x.map(a -> a * gain + offset);
                }
                case "clip" -> {
                    double min = k.get("min").asDouble();
                    double max = k.get("max").asDouble();
                    x = x.map(a -> a < min ? min : a > max ? max : a);
                }
                case "ensure_dtype" -> assertEquals("float32", k.get("dtype").asText());
                default -> throw new AssertionError("step " + step + " is not one the exporter should declare");
            }
        }
        return x;
    }

    private static double numpyPercentile(float[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int i = (int) pos;
        return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    private static FloatTensor run(Path onnx, FloatTensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
            OnnxTensor o = (OnnxTensor) r.get(0);
            FloatBuffer fb = o.getFloatBuffer();
            float[] d = new float[fb.remaining()];
            fb.get(d);
            return FloatTensor.of(o.getInfo().getShape(), d);
        }
    }
}
