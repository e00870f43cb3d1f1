package org.eqvae4j.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/** The benchmark's bookkeeping (not its speed): what it decodes, how it summarises, what it refuses. */
class InferenceBenchmarkTest {
    @Test
    void patternIsTheDocumentedFormulaInTheUnitRange() {
        FloatTensor p = InferenceBenchmark.pattern(40);
        int c = 2, y = 17, x = 33;
        double expected = 0.5 + 0.4 * Math.sin(0.031 * 3 * x + 0.017 * y) * Math.cos(0.023 * y - 0.011 * 2 * x);
        assertEquals(expected, p.data()[(c * 40 + y) * 40 + x], 1e-7);
        for (float v : p.data()) {
            assertTrue(v >= 0.1f && v <= 0.9f);
        }
    }

    @Test
    void resultSummarisesTheRunsOfTheImageItDecoded() throws Exception {
        Autoencoder ae = Taef2.shared();
        InferenceBenchmark.Result r = InferenceBenchmark.run(ae, new InferenceBenchmark.Case(64, false), 1, 3);
        assertEquals(3, r.repetitions());
        assertEquals(1, r.tiles());
        assertTrue(r.minMs() > 0 && r.minMs() <= r.msPerImage() && r.msPerImage() <= r.maxMs(), r.toString());
        assertTrue(
                r.encodeMs() > 0 && r.decodeMs() > 0 && r.encodeMs() <= r.maxMs() && r.decodeMs() <= r.maxMs(),
                r.toString());
        assertEquals(1000 / r.msPerImage(), r.imagesPerSecond(), 1e-12);
        FloatTensor y = ae.decode(ae.encode(InferenceBenchmark.pattern(64)));
        double mean = 0;
        for (float v : y.data()) {
            mean += v;
        }
        assertEquals(mean / y.data().length, r.outputMean(), 1e-9);
        if (PeakMemory.peakBytes() > 0) { // Linux
            assertTrue(r.peakRssBytes() > 10_000_000, "peak RSS " + r.peakRssBytes());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> InferenceBenchmark.run(ae, new InferenceBenchmark.Case(64, false), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new InferenceBenchmark.Case(0, true));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2, InferenceBenchmark.median(new double[] {3, 1, 2}));
        assertEquals(2.5, InferenceBenchmark.median(new double[] {4, 1, 3, 2}));
    }
}
