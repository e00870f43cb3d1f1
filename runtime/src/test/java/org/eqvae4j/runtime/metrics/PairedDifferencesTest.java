package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-image values of an evaluation and the paired comparison built on them. */
class PairedDifferencesTest {
    private static final List<AutoencoderEvaluation.TransformResult> NONE = List.of();

    /** A report whose per-image values are the given ones for every measure. */
    private static AutoencoderEvaluation.Report report(double... values) {
        Map<String, double[]> per = new LinkedHashMap<>();
        for (String key : AutoencoderEvaluation.Report.PER_IMAGE) {
            per.put(key, values.clone());
        }
        List<AutoencoderEvaluation.TransformResult> one =
                List.of(new AutoencoderEvaluation.TransformResult("t", 1, 1, 20));
        return new AutoencoderEvaluation.Report(values.length, 64, 0, 0, one, one, 0, 0, per);
    }

    @Test
    void perImageValuesAverageToTheReportedMeans(@TempDir Path dir) throws Exception {
        ImageFiles.writePng(Taef2.photoCrop("coffee.png", 150, 200, 64, 64), dir.resolve("a.png"));
        ImageFiles.writePng(Taef2.photoCrop("coffee.png", 20, 30, 64, 64), dir.resolve("b.png"));
        AutoencoderEvaluation.Report r = AutoencoderEvaluation.evaluate(
                Taef2.shared(),
                EvaluationImages.prepare(dir, 3, 64, new PrintStream(new ByteArrayOutputStream())),
                ProgressListener.NONE);
        Map<String, Object> means = r.asMap();
        for (String key : AutoencoderEvaluation.Report.PER_IMAGE) {
            double[] v = r.perImage().get(key);
            assertEquals(2, v.length, key);
            assertTrue(v[0] != v[1], key + ": two different crops, two values");
            assertEquals((double) means.get(key), (v[0] + v[1]) / 2, 1e-4, key);
        }
    }

    @Test
    void aConstantDifferenceHasAZeroWidthIntervalAndOtherwiseTheImagesSpread() {
        PairedDifferences.Row shifted = PairedDifferences.of("b", report(1.5, 2.5, 3.5, 4.5), "a", report(1, 2, 3, 4));
        Bootstrap.Interval d = shifted.differences().get("equivariance_error_rotation");
        assertEquals(0.5, d.estimate(), 1e-12);
        assertEquals(0.5, d.low(), 1e-12);
        assertEquals(0.5, d.high(), 1e-12);
        PairedDifferences.Row noisy = PairedDifferences.of("b", report(2, 1, 4, 3), "a", report(1, 2, 3, 4));
        Bootstrap.Interval n = noisy.differences().get(AutoencoderMeasure.PSNR.key());
        assertEquals(0, n.estimate(), 1e-12);
        assertTrue(n.low() < 0 && n.high() > 0, n.toString());
        String md = PairedDifferences.markdown(List.of(shifted, noisy));
        assertTrue(md.contains("| b - a | **+0.50 [+0.50, +0.50]** | **+0.500 [+0.500, +0.500]** |"), md);
        assertTrue(md.contains("| b - a | +0.00 ["), md);
    }

    @Test
    void unpairedReportsAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PairedDifferences.of("b", report(1, 2), "a", report(1, 2, 3)));
        assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("not a paired"), e.getMessage());
        AutoencoderEvaluation.Report without =
                new AutoencoderEvaluation.Report(2, 64, 0, 0, NONE, NONE, 0, 0, Map.of());
        assertThrows(IllegalArgumentException.class, () -> PairedDifferences.of("b", without, "a", report(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> ResultsTable.Pair.parse("eq-taef2"));
        assertEquals(new ResultsTable.Pair("eq", "ft"), ResultsTable.Pair.parse("eq=ft"));
    }

    @Test
    void theResultsTableShowsEachBundleAgainstTheBaselineAndTheGivenPairs() {
        String md = ResultsTable.markdown(
                List.of("base", "ft", "eq"),
                List.of(report(1, 2, 3), report(1, 2, 3), report(0, 1, 2)),
                0,
                List.of(new ResultsTable.Pair("eq", "ft")),
                64,
                "regen");
        assertTrue(md.contains("| ft - base | +0.00 [+0.00, +0.00] |"), md);
        assertTrue(md.contains("| eq - base | **-1.00 [-1.00, -1.00]** |"), md);
        assertTrue(md.contains("| eq - ft | **-1.00 [-1.00, -1.00]** |"), md);
    }
}
