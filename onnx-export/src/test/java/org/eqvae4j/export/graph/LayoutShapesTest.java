package org.eqvae4j.export.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Static shapes the builder writes for Reshape: a 0 in the target copies the input's size, known or not. */
class LayoutShapesTest {

    @Test
    void reshapeZeroCopiesAKnownSize() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", DType.FLOAT, Shape.of(2, 6, 8, 8));
        Shape s = b.reshape(x, 0, 6, -1).shape();
        assertEquals(Shape.of(2, 6, 64), s);
    }

    @Test
    void reshapeZeroOfAnUnknownShapeIsUnknownNotZero() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", DType.FLOAT, Shape.of(2, 6, 8, 8));
        // NonZero's output size depends on the data: the builder leaves its shape unknown
        Value unknown = b.op("NonZero", x);
        assertNull(unknown.shape());
        Shape s = b.reshape(unknown, 0, 6, -1).shape();
        assertEquals(3, s.rank());
        assertFalse(s.dim(0).isStatic(), "a 0 of an unknown input must stay unknown, was " + s);
        assertTrue(s.dim(1).isStatic());
        assertEquals(6, s.size(1));
    }
}
