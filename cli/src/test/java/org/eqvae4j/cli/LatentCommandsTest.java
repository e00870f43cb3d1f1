package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** encode, transform, decode, sample and batch as scripts use them. */
class LatentCommandsTest {
    @TempDir
    Path tmp;

    private static final String TAEF2 =
            EqvaeCliTest.ROOT.resolve("models/taef2").toString();

    /** A 2-page 16-bit grey stack with a micron pixel size, from the committed cell photo. */
    private Path stack() throws Exception {
        FloatTensor cell = ImageFiles.read(EqvaeCliTest.ROOT.resolve("test-images/photos/cell.png"));
        FloatTensor page = org.eqvae4j.runtime.transform.LatentTransform.crop(0, 0, 64, 80)
                .apply(cell)
                .map(v -> 500 + v * 20000);
        Path tif = tmp.resolve("in/stack.tif");
        Files.createDirectories(tif.getParent());
        TiffFiles.write(
                tif,
                FloatTensor.stack(List.of(page, page.map(v -> v * 0.5))),
                TiffFiles.SampleType.UINT16,
                new PixelSize(0.3, 0.3, "micron"),
                null);
        return tif;
    }

    @Test
    void encodeTransformDecodeKeepTheStackItsBitDepthAndPixelSize() throws Exception {
        Path tif = stack();
        Path z = tmp.resolve("stack.latent.tif");
        EqvaeCliTest.Run e = EqvaeCliTest.run(
                "encode", "-m", TAEF2, "-i", tif.toString(), "-o", z.toString(), "--intensity", "percentile");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("2x32x8x10"), e.out());
        Path zt = tmp.resolve("rot.latent.tif");
        EqvaeCliTest.Run t = EqvaeCliTest.run("transform", "-i", z.toString(), "-o", zt.toString(), "-t", "rot=1");
        assertEquals(0, t.code(), t.err());
        Path out = tmp.resolve("decoded.tif");
        EqvaeCliTest.Run d = EqvaeCliTest.run("decode", "-m", TAEF2, "-i", zt.toString(), "-o", out.toString());
        assertEquals(0, d.code(), d.err());
        ImageData img = ImageFiles.readImage(out, IntensityMapping.LINEAR);
        assertArrayEquals(new long[] {2, 1, 80, 64}, img.pixels().shape(), "2 grey pages, turned");
        assertEquals(16, img.metadata().bitsPerSample());
        assertEquals(
                new PixelSize(0.3, 0.3, "micron").unit(),
                img.metadata().pixelSize().unit());
        assertEquals(List.of("rot=1"), LatentFile.readHeader(zt).transforms());
    }

    @Test
    void cudaOnThisCpuBuildWarnsOnceAndEncodesAsTheCpuDoes() throws Exception {
        Path tif = stack();
        Path cpu = tmp.resolve("cpu.latent.tif");
        Path cuda = tmp.resolve("cuda.latent.tif");
        EqvaeCliTest.Run c =
                EqvaeCliTest.run("encode", "-m", TAEF2, "-i", tif.toString(), "-o", cpu.toString(), "--threads", "1");
        assertEquals(0, c.code(), c.err());
        assertFalse(c.err().contains("CUDA"), c.err());
        EqvaeCliTest.Run g = EqvaeCliTest.run(
                "encode",
                "-m",
                TAEF2,
                "-i",
                tif.toString(),
                "-o",
                cuda.toString(),
                "--device",
                "CUDA",
                "--ort-threads",
                "1");
        assertEquals(0, g.code(), g.err());
        String warning = "CUDA was requested, but the loaded ONNX Runtime has no CUDA execution provider";
        assertTrue(g.err().contains(warning), g.err());
        assertEquals(
                g.err().indexOf(warning), g.err().lastIndexOf(warning), "one warning for all sessions: " + g.err());
        assertTrue(g.err().contains("running on the CPU"), g.err());
        assertArrayEquals(
                LatentFile.read(cpu).values().data(),
                LatentFile.read(cuda).values().data());
        EqvaeCliTest.Run bad = EqvaeCliTest.run(
                "encode",
                "-m",
                TAEF2,
                "-i",
                tif.toString(),
                "-o",
                tmp.resolve("x.latent.tif").toString(),
                "--device",
                "tpu");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--device") && bad.err().contains("[cpu, cuda]"), bad.err());
        assertFalse(Files.exists(tmp.resolve("x.latent.tif")));
    }

    @Test
    void decodeRefusesAnotherBundlesLatentWithExitCode3UnlessOverridden() throws Exception {
        Path bundle = copyOfTaef2("other-id", false);
        Path z = tmp.resolve("a.latent.tif");
        assertEquals(
                0,
                EqvaeCliTest.run("encode", "-m", TAEF2, "-i", stack().toString(), "-o", z.toString())
                        .code());
        EqvaeCliTest.Run refused = EqvaeCliTest.run(
                "decode",
                "-m",
                bundle.toString(),
                "-i",
                z.toString(),
                "-o",
                tmp.resolve("x.tif").toString());
        assertEquals(EqvaeCli.ERROR, refused.code());
        assertTrue(
                refused.err().contains("'taef2'")
                        && refused.err().contains("'other-id'")
                        && refused.err().contains("--ignore-bundle-id"),
                refused.err());
        assertFalse(Files.exists(tmp.resolve("x.tif")));
        assertEquals(
                0,
                EqvaeCliTest.run(
                                "decode",
                                "-m",
                                bundle.toString(),
                                "-i",
                                z.toString(),
                                "-o",
                                tmp.resolve("x.tif").toString(),
                                "--ignore-bundle-id")
                        .code());
        EqvaeCliTest.Run noModel = EqvaeCliTest.run(
                "decode", "-i", z.toString(), "-o", tmp.resolve("y.tif").toString());
        assertEquals(2, noModel.code(), noModel.err());
        assertTrue(noModel.err().contains("--model"), noModel.err());
    }

    @Test
    void sampleExplainsAMissingGeneratorAndDecodesAGeneratorsLatents() throws Exception {
        EqvaeCliTest.Run none =
                EqvaeCliTest.run("sample", "-m", TAEF2, "-o", tmp.resolve("s").toString());
        assertEquals(EqvaeCli.ERROR, none.code());
        assertTrue(none.err().contains("has no generator") && none.err().contains("taef2"), none.err());
        assertFalse(Files.exists(tmp.resolve("s")));

        Path bundle = copyOfTaef2("taef2", true);
        EqvaeCliTest.Run ok = EqvaeCliTest.run(
                "sample",
                "-m",
                bundle.toString(),
                "-o",
                tmp.resolve("s").toString(),
                "-n",
                "2",
                "--seed",
                "5",
                "--class",
                "1",
                "--cfg",
                "2",
                "--steps",
                "3",
                "--sampler",
                "heun");
        assertEquals(0, ok.code(), ok.err());
        FloatTensor s0 = ImageFiles.read(tmp.resolve("s/sample-000.png"));
        assertArrayEquals(new long[] {1, 3, 32, 32}, s0.shape());
        assertTrue(Files.isRegularFile(tmp.resolve("s/sample-001.png")));
        EqvaeCliTest.Run again = EqvaeCliTest.run(
                "sample",
                "-m",
                bundle.toString(),
                "-o",
                tmp.resolve("s2").toString(),
                "-n",
                "2",
                "--seed",
                "5",
                "--class",
                "1",
                "--cfg",
                "2",
                "--steps",
                "3",
                "--sampler",
                "heun");
        assertEquals(0, again.code(), again.err());
        assertArrayEquals(
                Files.readAllBytes(tmp.resolve("s/sample-001.png")),
                Files.readAllBytes(tmp.resolve("s2/sample-001.png")),
                "the same seed gives the same images");
        EqvaeCliTest.Run badClass = EqvaeCliTest.run(
                "sample", "-m", bundle.toString(), "-o", tmp.resolve("s3").toString(), "--class", "5");
        assertEquals(EqvaeCli.ERROR, badClass.code());
        assertTrue(badClass.err().contains("--class 5") && badClass.err().contains("0..2"), badClass.err());
        EqvaeCliTest.Run info = EqvaeCliTest.run("info", "-m", bundle.toString());
        assertTrue(info.out().contains("generator     generator.onnx"), info.out());
        assertTrue(
                info.out().contains("3 classes (+ null class 3), latents 4x4, defaults: euler 4 steps, cfg 1.5"),
                info.out());
    }

    /** The shipped bundle under another id, optionally with a tiny untrained DiT generator (3 classes, 4x4 latents). */
    private Path copyOfTaef2(String id, boolean generator) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bundle-" + id + generator));
        try (var files = Files.list(EqvaeCliTest.ROOT.resolve("models/taef2"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(dir.resolve("model.json").toFile());
        m.put("id", id);
        if (generator) {
            OnnxWriter.write(
                    org.eqvae4j.export.generator.DiT.build(
                            new org.eqvae4j.export.generator.DiTConfig(32, 4, 2, 16, 1, 2, 2, 3, 16),
                            org.eqvae4j.export.arch.Weights.initialized(1)),
                    dir.resolve("generator.onnx"));
            ((ObjectNode) m.get("files")).put("generator", "generator.onnx");
            double[] mean = new double[32];
            double[] std = new double[32];
            java.util.Arrays.fill(std, 1.0);
            m.set(
                    "generator",
                    json.valueToTree(new org.eqvae4j.runtime.bundle.GeneratorSpec(
                            "dit", 3, null, new int[] {4, 4}, mean, std, "euler", 4, 1.5, java.util.Map.of())));
        }
        Files.writeString(dir.resolve("model.json"), m.toPrettyString());
        return dir;
    }

    @Test
    void batchReportsFailuresSkipsOnReRunAndKeepsInputs() throws Exception {
        Path tif = stack();
        Path in = tif.getParent();
        ImageFiles.writePng(FloatTensor.zeros(1, 3, 1, 1), in.resolve("sub/tiny.png"));
        Files.write(in.resolve("empty.png"), new byte[0]);
        Path out = tmp.resolve("latents");
        EqvaeCliTest.Run r = EqvaeCliTest.run(
                "batch", "-m", TAEF2, "-i", in.toString(), "-o", out.toString(), "--op", "encode", "--workers", "2");
        assertEquals(EqvaeCli.SOME_FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("1 done, 0 skipped (done before), 2 failed"), r.out());
        assertTrue(r.out().contains("empty.png") && r.out().contains("empty (0 bytes)"), r.out());
        assertTrue(
                r.out().contains("tiny.png") && r.out().contains("smaller than the model's downsampling factor"),
                r.out());
        EqvaeCliTest.Run again =
                EqvaeCliTest.run("batch", "-m", TAEF2, "-i", in.toString(), "-o", out.toString(), "--op", "encode");
        assertTrue(again.out().contains("0 done, 1 skipped (done before), 2 failed"), again.out());
        EqvaeCliTest.Run tr = EqvaeCliTest.run(
                "batch",
                "-i",
                out.toString(),
                "-o",
                tmp.resolve("t").toString(),
                "--op",
                "transform",
                "-t",
                "scale=0.5");
        assertEquals(0, tr.code(), tr.err());
        EqvaeCliTest.Run dec = EqvaeCliTest.run(
                "batch",
                "-m",
                TAEF2,
                "-i",
                tmp.resolve("t").toString(),
                "-o",
                tmp.resolve("d").toString(),
                "--op",
                "decode");
        assertEquals(0, dec.code(), dec.err());
        assertArrayEquals(
                new long[] {2, 1, 32, 40},
                ImageFiles.readImage(tmp.resolve("d/stack.tif"), IntensityMapping.LINEAR)
                        .pixels()
                        .shape());
        EqvaeCliTest.Run noSpec = EqvaeCliTest.run(
                "batch", "-i", out.toString(), "-o", tmp.resolve("t2").toString(), "--op", "transform");
        assertEquals(EqvaeCli.ERROR, noSpec.code());
        assertTrue(noSpec.err().contains("--transform"), noSpec.err());
        EqvaeCliTest.Run badOp = EqvaeCliTest.run(
                "batch",
                "-m",
                TAEF2,
                "-i",
                in.toString(),
                "-o",
                tmp.resolve("t3").toString(),
                "--op",
                "blur");
        assertEquals(EqvaeCli.ERROR, badOp.code());
        assertTrue(badOp.err().contains("roundtrip, encode, decode or transform"), badOp.err());
    }
}
