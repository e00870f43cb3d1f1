package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What metrics, results and report share: the evaluation images, the console text and the RESULTS.md table. */
class EvaluationReportsTest {
    private static final AutoencoderEvaluation.Report REPORT = new AutoencoderEvaluation.Report(
            16,
            256,
            32.61,
            0.9123,
            List.of(
                    new AutoencoderEvaluation.TransformResult("rot90", 1.0, 0.5, 20.0),
                    new AutoencoderEvaluation.TransformResult("rot180", 1.1, 0.6, 21.0),
                    new AutoencoderEvaluation.TransformResult("rot270", 0.96, 0.4, 22.0)),
            List.of(
                    new AutoencoderEvaluation.TransformResult("scale0.25", 0.7, 0.3, 18.0),
                    new AutoencoderEvaluation.TransformResult("scale0.5", 0.6, 0.2, 19.0),
                    new AutoencoderEvaluation.TransformResult("scale0.75", 0.62, 0.25, 23.0)),
            25.64,
            0.4,
            java.util.Map.of());

    /** REPORT with every rotation error (plain and centred) halved. */
    private static final AutoencoderEvaluation.Report HALVED_ROTATIONS = new AutoencoderEvaluation.Report(
            16,
            256,
            31.0,
            0.9,
            REPORT.rotations().stream()
                    .map(t -> new AutoencoderEvaluation.TransformResult(
                            t.name(), t.equivarianceError() / 2, t.centredEquivarianceError() / 2, t.psnr()))
                    .toList(),
            REPORT.scales(),
            20.0,
            0.3,
            java.util.Map.of());

    @Test
    void imagesArePreparedSquareAndUnreadableOnesAreNamedAndSkipped(@TempDir Path dir) throws Exception {
        ImageFiles.writePng(Taef2.photoCrop("astronaut.png", 96, 192, 64, 80), dir.resolve("a.png"));
        Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<FloatTensor> prepared =
                EvaluationImages.prepare(dir, 3, 32, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(1, prepared.size());
        assertEquals(
                List.of(1L, 3L, 32L, 32L),
                java.util.Arrays.stream(prepared.get(0).shape()).boxed().toList());
        assertTrue(log.toString(StandardCharsets.UTF_8).startsWith("skipped broken.png: "), log.toString());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EvaluationImages.prepare(empty, 3, 32, new PrintStream(new ByteArrayOutputStream())));
        assertEquals("no readable images in " + empty, e.getMessage());
    }

    @Test
    void consoleTextListsEveryTransformAndTheGroupMeans() {
        List<String> lines = EvaluationText.of("taef2", REPORT).lines().toList();
        assertEquals(
                "model taef2, 16 images at 256x256; E(x) = deterministic latent (posterior mean for KL)", lines.get(0));
        assertEquals("reconstruction   PSNR 32.61 dB   SSIM 0.9123", lines.get(1));
        assertEquals(
                List.of("rot90", "1.0000", "0.5000", "20.00", "dB"),
                List.of(lines.get(3).trim().split("\\s+")));
        assertEquals(
                List.of("rotations", "1.0200", "0.5000", "21.00", "dB"),
                List.of(lines.get(9).trim().split("\\s+")));
        assertEquals(
                List.of("scales", "0.6400", "0.2500", "20.00", "dB"),
                List.of(lines.get(10).trim().split("\\s+")));
        assertEquals("intrinsic dimension (TwoNN, 4x4 latent patches): 25.6", lines.get(11));
        assertEquals("latent high-frequency share (power above 0.25 cycles per latent pixel): 0.400", lines.get(12));
        assertEquals(13, lines.size());
    }

    @Test
    void resultsTableHasAMeansRowAndAPerTransformRowPerBundle() {
        String md = ResultsTable.markdown(
                List.of("taef2", "eq-taef2"), List.of(REPORT, REPORT), -1, 256, "./eqvae results --models a,b");
        assertTrue(md.startsWith("# Measured results\n\nRegenerate with `./eqvae results --models a,b` ("), md);
        assertTrue(
                md.contains(
                        "| taef2 | 32.61 | 0.9123 | 1.020 | 0.640 | 0.500 | 0.250 | 21.00 | 20.00 | 25.6 | 0.400 |\n"),
                md);
        assertTrue(
                md.contains("| eq-taef2 | 1.000 / 0.500 / 20.00 | 1.100 / 0.600 / 21.00 | 0.960 / 0.400 / 22.00 "
                        + "| 0.700 / 0.300 / 18.00 | 0.600 / 0.200 / 19.00 | 0.620 / 0.250 / 23.00 |\n"),
                md);
        assertTrue(md.contains("'Centred' is the same error after removing each latent's per-channel mean"), md);
        assertEquals(
                2 + 2 + 2 + 2,
                md.lines().filter(l -> l.startsWith("|")).count(),
                "two headers, two separators, four rows; no reductions without a baseline");
        assertThrows(
                IllegalArgumentException.class, () -> ResultsTable.markdown(List.of("a"), List.of(), -1, 256, "x"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ResultsTable.markdown(List.of("a"), List.of(REPORT), 1, 256, "x"));
    }

    @Test
    void resultsTableGivesEachOtherBundlesReductionAgainstTheBaseline() {
        String md =
                ResultsTable.markdown(List.of("taef2", "eq-taef2"), List.of(REPORT, HALVED_ROTATIONS), 0, 256, "regen");
        assertTrue(md.contains("Relative reduction of the mean errors against taef2"), md);
        assertTrue(md.contains("| eq-taef2 | +50.0% | +0.0% | +50.0% | +0.0% |\n"), md);
        assertTrue(!md.contains("| taef2 | +"), "no reduction row for the baseline itself:\n" + md);
        // against eq-taef2, taef2 is twice as bad on rotations: -100%
        String reversed =
                ResultsTable.markdown(List.of("taef2", "eq-taef2"), List.of(REPORT, HALVED_ROTATIONS), 1, 256, "regen");
        assertTrue(reversed.contains("| taef2 | -100.0% | +0.0% | -100.0% | +0.0% |\n"), reversed);
    }

    @Test
    void baselineMustBeOneOfTheModels() {
        List<Path> models = List.of(Path.of("models", "taef2"), Path.of("models", "eq-taef2"));
        assertEquals(1, ResultsTable.baselineIndex(models, Path.of("models/./eq-taef2")));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ResultsTable.baselineIndex(models, Path.of("models/other")));
        assertTrue(e.getMessage().startsWith("--baseline models/other is not one of --models"), e.getMessage());
    }

    @Test
    void consoleReductionsAreGivenInPercentPerGroup() {
        List<String> lines = EvaluationText.reductions("taef2", REPORT, HALVED_ROTATIONS)
                .lines()
                .toList();
        assertEquals(3, lines.size());
        assertEquals(
                List.of("rotations", "50.0%", "50.0%"),
                List.of(lines.get(1).trim().split("\\s+")));
        assertEquals(
                List.of("scales", "0.0%", "0.0%"), List.of(lines.get(2).trim().split("\\s+")));
    }

    /** The workflow measures what AutoencoderEvaluation measures, bundle by bundle, and records only when asked. */
    @Test
    void resultsEvaluateEachBundleOnThePreparedImages(@TempDir Path dir) throws Exception {
        ImageFiles.writePng(Taef2.photoCrop("coffee.png", 150, 200, 96, 96), dir.resolve("c.png"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String md = ResultsTable.evaluate(
                List.of(Taef2.bundleDir()),
                null,
                List.of(),
                dir,
                96,
                false,
                "regen",
                RuntimeOptions.threads(2),
                () -> ProgressListener.NONE,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        Autoencoder ae = Taef2.shared();
        AutoencoderEvaluation.Report expected = AutoencoderEvaluation.evaluate(
                ae,
                EvaluationImages.prepare(dir, 3, 96, new PrintStream(new ByteArrayOutputStream())),
                ProgressListener.NONE);
        String want = ResultsTable.markdown(List.of("taef2"), List.of(expected), -1, 96, "regen");
        assertEquals(
                want.substring(want.indexOf("Images are")),
                md.substring(md.indexOf("Images are")),
                "the same measures"); // not the dated line
        assertTrue(
                out.toString(StandardCharsets.UTF_8)
                        .startsWith(String.format(java.util.Locale.ROOT, "taef2: PSNR %.2f", expected.psnr())),
                out.toString());
    }
}
