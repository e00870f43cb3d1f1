package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eqvae4j.cli.EqvaeCliTest.Run;
import org.eqvae4j.runtime.image.HostileFiles;
import org.eqvae4j.runtime.image.HostileFiles.TiffPage;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The reliability suite: a bad-input corpus made here (crafted images, latents, bundles, checkpoints) run
 * through the commands in-process. Every case must end with a non-zero exit code and one line naming the
 * file, no stack trace, within seconds; and no input may change (hashes before and after).
 */
class ReliabilityTest {
    @TempDir
    static Path dir;

    static Path corpus;
    static Map<String, String> before;
    static final Path TAEF2 = EqvaeCliTest.ROOT.resolve("models/taef2");

    @BeforeAll
    static void makeCorpus() throws Exception {
        corpus = Files.createDirectories(dir.resolve("corpus"));
        Path images = Files.createDirectories(corpus.resolve("images"));
        Files.write(images.resolve("empty.png"), new byte[0]);
        Files.write(images.resolve("garbage.png"), "not an image at all, just words".getBytes());
        byte[] camera = Files.readAllBytes(EqvaeCliTest.ROOT.resolve("test-images/photos/camera.png"));
        Files.write(images.resolve("truncated.png"), java.util.Arrays.copyOf(camera, camera.length / 3));
        Files.write(images.resolve("declares-100000x100000.png"), HostileFiles.pngDeclaring(100_000, 100_000));
        Files.write(images.resolve("text-bomb.png"), HostileFiles.pngWithTextBomb(64L << 20));
        Files.write(images.resolve("cmyk.jpg"), HostileFiles.cmykJpeg());
        List<TiffPage> two = List.of(
                new TiffPage(8, 8, 1, 8, false, 1, 1, 1, new double[64]),
                new TiffPage(8, 8, 1, 8, false, 1, 1, 1, new double[64]));
        Files.write(images.resolve("loop.tif"), HostileFiles.tiff(two, 0));
        Files.write(images.resolve("20000-pages.tif"), HostileFiles.manyPageTiff(20_000, 1));
        double[] nan = new double[64];
        nan[9] = Double.NaN;
        Files.write(
                images.resolve("nan.tif"),
                HostileFiles.tiff(List.of(new TiffPage(8, 8, 1, 32, true, 1, 1, 1, nan)), -1));

        Path latents = Files.createDirectories(corpus.resolve("latents"));
        Files.write(latents.resolve("garbage.latent.tif"), "II*\0garbage".getBytes());
        TiffFiles.write(
                latents.resolve("no-header.latent.tif"),
                FloatTensor.zeros(2, 1, 4, 4),
                TiffFiles.SampleType.FLOAT32,
                null,
                null);
        TiffFiles.write(
                latents.resolve("bad-shape.latent.tif"),
                FloatTensor.zeros(2, 1, 4, 4),
                TiffFiles.SampleType.FLOAT32,
                null,
                "{\"format\":\"eqvae4j-latent\",\"formatVersion\":1,\"shape\":[-1,2,4,4]}");
        TiffFiles.write(
                latents.resolve("short-shape.latent.tif"),
                FloatTensor.zeros(2, 1, 4, 4),
                TiffFiles.SampleType.FLOAT32,
                null,
                "{\"format\":\"eqvae4j-latent\",\"formatVersion\":1,\"shape\":[2]}");

        for (String json : List.of(
                "null", "{}", "[1", "{\"formatVersion\": 1}", "{\"formatVersion\": 1, \"files\": null}", "\"x\"")) {
            Path b = Files.createDirectories(corpus.resolve("bundles/b" + Integer.toHexString(json.hashCode())));
            Files.writeString(b.resolve("model.json"), json);
        }
        Path weights = Files.createDirectories(corpus.resolve("weights"));
        writeZip(
                weights.resolve("self.pth"),
                new byte[] {(byte) 0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'K', 1, 's', '.'});
        writeZip(
                weights.resolve("2gb-string.pth"),
                new byte[] {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, '.'});
        before = snapshot(corpus);
    }

    private static void writeZip(Path file, byte[] pickle) throws IOException {
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            out.write(pickle);
        }
    }

    @AfterAll
    static void noInputChanged() throws Exception {
        assertEquals(before, snapshot(corpus), "an input of the corpus was modified, added or removed");
    }

    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(
                        root.relativize(p).toString(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    /** Non-zero exit, one "error:" line naming what it must, no stack trace, within 10 s. */
    static Run refused(int code, String[] args, String... mustName) {
        long t0 = System.nanoTime();
        Run r = EqvaeCliTest.run(args);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String all = r.out() + r.err();
        String what = String.join(" ", args) + "\n" + all;
        assertEquals(code, r.code(), what);
        assertFalse(
                all.contains("\tat ") || all.contains("Exception in thread") || all.contains("internal error"), what);
        List<String> errors =
                r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), what);
        for (String s : mustName) {
            assertTrue(errors.get(0).contains(s), "'" + s + "' not named: " + what);
        }
        assertTrue(seconds < 10, seconds + " s: " + what);
        return r;
    }

    /** A 64x64 taef2-shaped latent of zeros, written directly (no model run needed). */
    static void writeLatent(Path file) throws IOException {
        TiffFiles.write(
                file,
                FloatTensor.zeros(32, 1, 64, 64),
                TiffFiles.SampleType.FLOAT32,
                null,
                "{\"format\":\"eqvae4j-latent\",\"formatVersion\":1,\"bundleId\":\"taef2\",\"downsamplingFactor\":8,\"shape\":[1,32,64,64]}");
    }

    static String[] args(Object... a) {
        return Stream.of(a).map(Object::toString).toArray(String[]::new);
    }

    /** What each bad image's message must say. */
    static final Map<String, String> PROBLEMS = Map.of(
            "empty.png",
            "empty",
            "garbage.png",
            "not in a readable format",
            "truncated.png",
            "truncated",
            "declares-100000x100000.png",
            "eqvae.maxPixels",
            "text-bomb.png",
            "eqvae.maxMetadataBytes",
            "cmyk.jpg",
            "CMYK",
            "loop.tif",
            "loops",
            "20000-pages.tif",
            "eqvae.maxPages",
            "nan.tif",
            "NaN");

    @Test
    void everyBadImageIsReportedByBatchWithItsProblemAndTheRestGoOn() throws Exception {
        Path out = dir.resolve("out-batch");
        long t0 = System.nanoTime();
        Run r = EqvaeCliTest.run(args(
                "batch", "--op", "roundtrip", "--model", TAEF2, "--input", corpus.resolve("images"), "--output", out));
        assertTrue(
                System.nanoTime() - t0 < 20e9,
                "batch over the bad images took " + (System.nanoTime() - t0) / 1e9 + " s");
        assertEquals(1, r.code(), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains("\tat "), r.out() + r.err());
        for (var p : PROBLEMS.entrySet()) {
            Path f = corpus.resolve("images").resolve(p.getKey());
            assertTrue(
                    r.out()
                            .lines()
                            .anyMatch(l ->
                                    l.startsWith("FAILED") && l.contains(f.toString()) && l.contains(p.getValue())),
                    f + " not reported with '" + p.getValue() + "':\n" + r.out());
        }
        assertEquals(
                PROBLEMS.size(),
                r.out().lines().filter(l -> l.startsWith("FAILED")).count(),
                r.out());
        assertTrue(Files.readString(out.resolve("summary.csv")).contains("20000-pages.tif,failed"));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(
                    List.of("summary.csv"),
                    s.map(p -> p.getFileName().toString()).toList(),
                    "nothing but the summary written");
        }
    }

    @Test
    void theWorstImagesAreRefusedByEncodeAsOneLine() {
        for (String name : List.of("loop.tif", "text-bomb.png", "20000-pages.tif")) {
            Path f = corpus.resolve("images").resolve(name);
            refused(
                    3,
                    args(
                            "encode",
                            "--model",
                            TAEF2,
                            "--input",
                            f,
                            "--output",
                            dir.resolve("out-encode/" + name + ".latent.tif")),
                    f.toString(),
                    PROBLEMS.get(name));
        }
    }

    @Test
    void everyBadLatentIsRefusedByTransformAndDecode() {
        Path out = dir.resolve("out-latents");
        try (Stream<Path> s = Files.list(corpus.resolve("latents"))) {
            for (Path f : s.toList()) {
                refused(
                        3,
                        args("transform", "--input", f, "--output", out.resolve(f.getFileName()), "-t", "rot=1"),
                        f.toString());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Run r = EqvaeCliTest.run(args(
                "batch", "--op", "decode", "--model", TAEF2, "--input", corpus.resolve("latents"), "--output", out));
        assertEquals(1, r.code(), r.out() + r.err());
        assertFalse(
                (r.out() + r.err()).contains("\tat ") || (r.out() + r.err()).contains("internal error"),
                r.out() + r.err());
        assertEquals(
                4,
                r.out()
                        .lines()
                        .filter(l -> l.startsWith("FAILED")
                                && l.contains(corpus.resolve("latents").toString()))
                        .count(),
                r.out());
    }

    @Test
    void everyBadManifestIsRefusedNamingModelJson() throws Exception {
        try (Stream<Path> s = Files.list(corpus.resolve("bundles"))) {
            for (Path b : s.toList()) {
                refused(3, args("info", "--model", b), b.resolve("model.json").toString());
                refused(
                        3,
                        args("encode", "--model", b, "--input", "x.png", "--output", dir.resolve("never.tif")),
                        "model.json");
            }
        }
    }

    @Test
    void hostileCheckpointsAreRefusedByExport() throws Exception {
        try (Stream<Path> s = Files.list(corpus.resolve("weights"))) {
            for (Path w : s.toList()) {
                refused(
                        3,
                        args(
                                "export",
                                "--arch",
                                "taesd",
                                "--weights",
                                w,
                                "--output",
                                dir.resolve("bundle-" + w.getFileName())),
                        w.toString());
            }
        }
    }

    @Test
    void outputsResolvingToAnInputAreRefused() throws Exception {
        Path work = Files.createDirectories(dir.resolve("same"));
        Path png = Files.copy(EqvaeCliTest.ROOT.resolve("test-images/photos/camera.png"), work.resolve("a.png"));
        Path link = Files.createSymbolicLink(work.resolve("link.png"), png);
        Path latent = work.resolve("a.latent.tif");
        writeLatent(latent);
        Map<String, String> mine = snapshot(work);
        refused(
                3,
                args("encode", "--model", TAEF2, "--input", png, "--output", png),
                "would overwrite",
                png.toString());
        refused(3, args("encode", "--model", TAEF2, "--input", png, "--output", link), "would overwrite");
        refused(
                3,
                args("encode", "--model", TAEF2, "--input", png, "--output", work.resolve("./sub/../a.png")),
                "would overwrite");
        refused(3, args("decode", "--model", TAEF2, "--input", latent, "--output", latent), "would overwrite");
        refused(3, args("transform", "--input", latent, "--output", latent, "-t", "rot=1"), "would overwrite");
        refused(3, args("roundtrip", "--model", TAEF2, "--input", work, "--output", work), "would overwrite");
        refused(
                3,
                args("batch", "--op", "transform", "-t", "rot=1", "--input", work, "--output", work.resolve("results")),
                "inside the input");
        // an output folder that is a link into the input tree
        Path linkedOut = Files.createSymbolicLink(dir.resolve("linked-out"), work);
        refused(
                3,
                args("batch", "--op", "transform", "-t", "rot=1", "--input", work, "--output", linkedOut.resolve("r")),
                "inside the input");
        assertEquals(mine, snapshot(work));
        // a linked input folder is searched like a real one
        Path linkedIn = Files.createSymbolicLink(dir.resolve("linked-in"), work);
        Run ok = EqvaeCliTest.run(args(
                "batch",
                "--op",
                "transform",
                "-t",
                "rot=1",
                "--input",
                linkedIn,
                "--output",
                dir.resolve("from-link")));
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(Files.isRegularFile(dir.resolve("from-link/a.latent.tif")), ok.out());
        assertEquals(mine, snapshot(work));
    }

    @Test
    void requestsBeyondTheBudgetsAreRefusedBeforeAllocating() throws Exception {
        Path work = Files.createDirectories(dir.resolve("budgets"));
        Path latent = work.resolve("a.latent.tif");
        writeLatent(latent);
        refused(
                3,
                args("transform", "--input", latent, "--output", work.resolve("big.tif"), "-t", "scale=1000"),
                "64000x64000",
                "eqvae.maxPixels");
        refused(
                3,
                args(
                        "encode",
                        "--model",
                        TAEF2,
                        "--input",
                        "x.png",
                        "--output",
                        work.resolve("x.tif"),
                        "--threads",
                        "100000"),
                "--threads",
                "100000");
        refused(
                3,
                args(
                        "sample",
                        "--model",
                        EqvaeCliTest.ROOT.resolve("models/taef2-dit-fmnist"),
                        "--output",
                        work.resolve("s"),
                        "--count",
                        "100000000"),
                "--count",
                "100000000");
    }

    /** Errors the JVM throws (out of memory, stack overflow) end like every other error: one line, exit 3. */
    @Test
    void outOfMemoryAndStackOverflowEndAsOneLineAndExitCode3() {
        for (Throwable t : List.of(
                new OutOfMemoryError("Java heap space"), new StackOverflowError(), new NullPointerException())) {
            CommandLine cl = EqvaeCli.commandLine();
            cl.addSubcommand("boom", new CommandLine(new Boom(t)));
            java.io.StringWriter err = new java.io.StringWriter();
            cl.setErr(new java.io.PrintWriter(err, true));
            assertEquals(EqvaeCli.ERROR, cl.execute("boom"), t.toString());
            List<String> lines = err.toString().lines().toList();
            assertEquals(1, lines.size(), err.toString());
            assertTrue(lines.get(0).startsWith("error: "), err.toString());
            assertTrue(
                    t instanceof OutOfMemoryError
                            ? lines.get(0).contains("out of memory")
                                    && lines.get(0).contains("-Xmx")
                            : t instanceof StackOverflowError
                                    ? lines.get(0).contains("nests too deeply")
                                    : lines.get(0).contains("internal error (NullPointerException)"),
                    lines.get(0));
        }
    }

    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        private final Throwable t;

        Boom(Throwable t) {
            this.t = t;
        }

        @Override
        public Integer call() throws Exception {
            if (t instanceof Error e) {
                throw e;
            }
            throw (Exception) t;
        }
    }
}
