package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CodebookUsageTest {

    @Test
    void uniformUseHasPerplexityOfTheEntriesUsed() {
        CodebookUsage u = CodebookUsage.of(new long[] {0, 1, 2, 3, 0, 1, 2, 3}, 8);
        assertEquals(4.0, u.perplexity(), 1e-9);
        assertEquals(0.5, u.fractionUsed(), 1e-12);
        assertEquals(8, u.tokens());
    }

    @Test
    void skewedUse() {
        // p = (3/4, 1/4): H = -(0.75 ln 0.75 + 0.25 ln 0.25)
        CodebookUsage u = CodebookUsage.of(new int[] {5, 5, 5, 2}, 16);
        assertEquals(Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), u.perplexity(), 1e-9);
        assertEquals(2 / 16.0, u.fractionUsed(), 1e-12);
        assertEquals(1.0, CodebookUsage.of(new long[] {7, 7, 7}, 8).perplexity(), 1e-12);
    }

    @Test
    void indexOutsideTheCodebookIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CodebookUsage.of(new long[] {0, 9}, 8));
        assertTrue(e.getMessage().contains("index 9 at position 1"), e.getMessage());
    }
}
