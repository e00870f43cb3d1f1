package org.eqvae4j.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTripSummaryTest {
    private static final List<RoundTripBatch.Item> ITEMS = List.of(
            new RoundTripBatch.Item(Path.of("in/a.png"), 64, 80, 30.0, 20.0, null),
            new RoundTripBatch.Item(Path.of("in/broken.png"), 0, 0, Double.NaN, Double.NaN, "not a PNG"),
            new RoundTripBatch.Item(Path.of("in/sub/b.png"), 40, 48, 34.0, 25.0, null));

    private static String print(List<RoundTripBatch.Item> items, boolean transformed, RoundTripSummary[] summary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        summary[0] = RoundTripSummary.print(
                items, transformed, Path.of("out"), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rowsFailuresMeansAndCounts() {
        RoundTripSummary[] s = new RoundTripSummary[1];
        List<String> lines = print(ITEMS, true, s).lines().toList();
        assertEquals(new RoundTripSummary(2, 1, 32.0, 22.5), s[0]);
        assertTrue(
                lines.get(0).startsWith("file") && lines.get(0).endsWith("PSNR dB D(tau E(x)) vs tau(x)"),
                lines.get(0));
        assertEquals(
                List.of("a.png", "64x80", "30.00", "20.00"),
                List.of(lines.get(1).trim().split("\\s+")));
        assertEquals("broken.png", lines.get(2).substring(0, 10));
        assertTrue(lines.get(2).endsWith("FAILED: not a PNG"), lines.get(2));
        assertEquals(
                List.of("mean", "of", "2", "32.00", "22.50"),
                List.of(lines.get(4).trim().split("\\s+")));
        assertEquals("2 processed, 1 failed; results in out", lines.get(5));
    }

    @Test
    void withoutATransformThereIsNoSecondColumnAndNoMeanWhenAllFailed() {
        RoundTripSummary[] s = new RoundTripSummary[1];
        List<String> lines = print(ITEMS.subList(0, 1), false, s).lines().toList();
        assertEquals(
                List.of("a.png", "64x80", "30.00"), List.of(lines.get(1).trim().split("\\s+")));
        assertTrue(Double.isNaN(s[0].meanTransformed()));
        String failedOnly = print(ITEMS.subList(1, 2), true, s);
        assertEquals(0, s[0].processed());
        assertEquals(1, s[0].failed());
        assertTrue(
                !failedOnly.contains("mean of") && failedOnly.endsWith("0 processed, 1 failed; results in out\n"),
                failedOnly);
    }
}
