package org.eqvae4j.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueRangeTest {

    @Test
    void mapsUnitImagesIntoTheModelRangeAndBack() {
        FloatTensor unit = new FloatTensor(1, 1, 1, 3, new float[] {0f, 0.25f, 1f});
        FloatTensor model = ValueRange.MINUS_ONE_TO_ONE.toModel(unit);
        assertArrayEquals(new float[] {-1f, -0.5f, 1f}, model.data(), 0f);
        assertArrayEquals(
                unit.data(), ValueRange.MINUS_ONE_TO_ONE.fromModel(model).data(), 0f);
        assertArrayEquals(
                model.data(),
                ValueRange.toModel(unit, new double[] {-1, 1}).data(),
                0f,
                "the manifest-array form agrees");
        assertSame(unit, ValueRange.ZERO_TO_ONE.toModel(unit), "[0, 1] is the identity");
    }

    @Test
    void readsAndWritesModelJsonsArrayAndRefusesEmptyRanges() {
        assertEquals(ValueRange.MINUS_ONE_TO_ONE, ValueRange.of(new double[] {-1, 1}));
        assertArrayEquals(new double[] {0, 1}, ValueRange.ZERO_TO_ONE.toArray());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ValueRange(1, 1))
                .getMessage()
                .contains("min < max"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValueRange.of(new double[] {0}))
                .getMessage()
                .contains("[low, high]"));
    }
}
