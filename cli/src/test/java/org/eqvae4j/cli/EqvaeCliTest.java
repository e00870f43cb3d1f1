package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a script sees it: exit codes, messages, files written. */
class EqvaeCliTest {
    static final Path ROOT = RepositoryRoot.get();

    record Run(int code, String out, String err) {}

    /** {@link #run} with eqvae.home set to this checkout, as the launcher sets it. */
    static Run runInCheckout(String... args) {
        String old = System.getProperty("eqvae.home");
        System.setProperty("eqvae.home", ROOT.toString());
        try {
            return run(args);
        } finally {
            if (old == null) {
                System.clearProperty("eqvae.home");
            } else {
                System.setProperty("eqvae.home", old);
            }
        }
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = EqvaeCli.commandLine();
            cl.setOut(new PrintWriter(System.out, true));
            cl.setErr(new PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** One spelling everywhere: --threads is ONNX Runtime's threads, --device where the models run. */
    @Test
    void everyModelCommandTakesTheSameDeviceAndThreadOptions() {
        for (String c : List.of(
                "encode",
                "decode",
                "roundtrip",
                "batch",
                "sample",
                "metrics",
                "results",
                "report",
                "train",
                "train-vq",
                "train-maskgit",
                "experiment-vq",
                "train-generator")) {
            Run h = run(c, "--help");
            assertEquals(0, h.code(), c + " --help");
            assertTrue(
                    h.out().contains("--device, --provider=cpu|cuda")
                            && h.out().contains("--threads, --ort-threads=N")
                            && h.out().contains("--cuda-device=N"),
                    c + ":\n" + h.out());
        }
        Run batch = run("batch", "--help");
        assertTrue(batch.out().contains("--workers=N"), batch.out());
        Run bad = run("roundtrip", "--model", "x", "--input", "y", "--output", "z", "--device", "gpu");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("unknown execution provider 'gpu'"), bad.err());
    }

    @Test
    void helpListsEveryCommandAndEachHasHelp() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : List.of(
                "demo",
                "export",
                "encode",
                "decode",
                "transform",
                "roundtrip",
                "sample",
                "batch",
                "info",
                "bench-infer")) {
            assertTrue(r.out().contains(c), c + " missing from:\n" + r.out());
            Run h = run(c, "--help");
            assertEquals(0, h.code(), c + " --help");
            assertTrue(h.out().contains("Usage: eqvae " + c), h.out());
        }
    }

    @Test
    void usageErrorsExitWith2() {
        Run r = run("roundtrip", "--model", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--input") || r.err().contains("Missing required"), r.err());
        assertEquals(2, run("no-such-command").code());
    }

    @Test
    void unknownArchitectureIsAClearError(@TempDir Path dir) {
        Run r = run(
                "export",
                "--arch",
                "sdvae",
                "--init-seed",
                "1",
                "--output",
                dir.resolve("b").toString());
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(r.err().contains("unknown architecture 'sdvae'"), r.err());
        assertFalse(Files.exists(dir.resolve("b")));
    }

    @Test
    void exportNeedsWeightsOrASeedButNotBoth(@TempDir Path dir) {
        Run r = run("export", "--arch", "taef2", "--output", dir.resolve("b").toString());
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(r.err().contains("--init-seed"), r.err());
    }

    @Test
    void infoPrintsTheShippedBundleAndRejectsAMissingOne(@TempDir Path dir) {
        Run r = run("info", "--model", ROOT.resolve("models/taef2").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("taef2") && r.out().contains("downsampling x8"), r.out());
        Run bad = run("info", "--model", dir.resolve("missing").toString());
        assertEquals(EqvaeCli.ERROR, bad.code());
        assertTrue(bad.err().contains("missing") && bad.err().contains("not a folder"), bad.err());
    }

    @Test
    void roundtripReportsFailedFilesAndProcessesTheRest(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/sub"));
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 6) << 8 | 128);
            }
        }
        ImageIO.write(img, "png", dir.resolve("in/a.png").toFile());
        ImageIO.write(img, "png", in.resolve("b.png").toFile());
        Files.write(dir.resolve("in/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path out = dir.resolve("out");
        Run r = run(
                "roundtrip",
                "--model",
                ROOT.resolve("models/taef2").toString(),
                "--input",
                dir.resolve("in").toString(),
                "--output",
                out.toString(),
                "--transform",
                "scale=0.5,rot=1");
        assertEquals(EqvaeCli.SOME_FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("broken.png") && r.out().contains("FAILED"), r.out());
        assertTrue(r.out().contains("2 processed, 1 failed"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("a.recon.png")));
        assertTrue(Files.isRegularFile(out.resolve("sub/b.tau-decoded.png")));
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("broken.png,failed,")), csv.toString());
    }

    @Test
    void roundtripRefusesToWriteInsideItsInput(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Run r = run(
                "roundtrip",
                "--model",
                ROOT.resolve("models/taef2").toString(),
                "--input",
                dir.resolve("in").toString(),
                "--output",
                dir.resolve("in/results").toString());
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(r.err().contains("inside the input"), r.err());
    }

    @Test
    void resultsRefuseABaselineThatIsNotOneOfTheModels(@TempDir Path dir) {
        Run r = run(
                "results",
                "--models",
                ROOT.resolve("models/taef2").toString(),
                "--baseline",
                ROOT.resolve("models/eq-taef2").toString(),
                "--images",
                dir.toString(),
                "--output",
                dir.resolve("RESULTS.md").toString());
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(
                r.err().contains("--baseline " + ROOT.resolve("models/eq-taef2") + " is not one of --models"), r.err());
        assertFalse(Files.exists(dir.resolve("RESULTS.md")));
    }

    @Test
    void badTransformSpecIsNamed(@TempDir Path dir) {
        Run r = run(
                "roundtrip",
                "--model",
                ROOT.resolve("models/taef2").toString(),
                "--input",
                dir.toString(),
                "--output",
                dir.resolve("../o").toString(),
                "--transform",
                "rotate=1");
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(r.err().contains("unknown transform step 'rotate'"), r.err());
    }
}
