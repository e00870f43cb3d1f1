package org.eqvae4j.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FloatTensorTest {

    private static FloatTensor iota(int n, int c, int h, int w) {
        float[] d = new float[n * c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return new FloatTensor(n, c, h, w, d);
    }

    @Test
    void nchwIndexing() {
        FloatTensor t = iota(2, 3, 4, 5);
        assertArrayEquals(new long[] {2, 3, 4, 5}, t.shape());
        assertEquals(((1 * 3 + 2) * 4 + 3) * 5 + 4, t.index(1, 2, 3, 4));
        assertEquals(t.index(1, 2, 3, 4), t.get(1, 2, 3, 4));
        assertEquals(0, t.get(0, 0, 0, 0));
        assertEquals(5, t.get(0, 0, 1, 0));
        assertEquals(20, t.get(0, 1, 0, 0));
        assertEquals(60, t.get(1, 0, 0, 0));
    }

    @Test
    void shapeMustMatchData() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FloatTensor(1, 2, 3, 4, new float[23]));
        assertTrue(e.getMessage().contains("23") && e.getMessage().contains("[1, 2, 3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FloatTensor(1, -1, 3, 4, new float[0]));
        IllegalArgumentException rank =
                assertThrows(IllegalArgumentException.class, () -> FloatTensor.of(new long[] {2, 3}, new float[6]));
        assertTrue(rank.getMessage().contains("rank 4"), rank.getMessage());
        assertArrayEquals(
                new long[] {1, 2, 1, 3},
                FloatTensor.of(new long[] {1, 2, 1, 3}, new float[6]).shape());
    }

    @Test
    void sampleAndStackAreInverse() {
        FloatTensor t = iota(3, 2, 2, 2);
        FloatTensor s1 = t.sample(1);
        assertArrayEquals(new long[] {1, 2, 2, 2}, s1.shape());
        assertEquals(8, s1.get(0, 0, 0, 0));
        FloatTensor back = FloatTensor.stack(List.of(t.sample(0), s1, t.sample(2)));
        assertArrayEquals(t.data(), back.data());
        assertArrayEquals(t.shape(), back.shape());
        assertThrows(
                IllegalArgumentException.class, () -> FloatTensor.stack(List.of(iota(1, 2, 2, 2), iota(1, 2, 2, 3))));
    }

    @Test
    void finitenessAndMap() {
        FloatTensor t = iota(1, 1, 2, 2);
        assertTrue(t.allFinite());
        assertFalse(t.map(v -> v == 3 ? Double.NaN : v).allFinite());
        assertFalse(t.map(v -> v / 0.0).allFinite());
        assertArrayEquals(new float[] {1, 3, 5, 7}, t.map(v -> 2 * v + 1).data());
        assertArrayEquals(new float[] {0, 1, 2, 3}, t.data(), "map returns a new tensor");
        assertArrayEquals(new long[] {2, 3, 4, 5}, FloatTensor.zeros(2, 3, 4, 5).shape());
    }
}
