package org.eqvae4j.runtime.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The separable form of a transform computes exactly what the transform itself computes. */
class SeparableFormTest {

    private static FloatTensor random(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[n * c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble(-3, 3);
        }
        return new FloatTensor(n, c, h, w, d);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "rot=1",
                "rot=2",
                "rot=3",
                "rot=-1",
                "flip=h",
                "flip=v",
                "crop=1:2:3:2",
                "scale=0.5",
                "scale=0.75,rot=1",
                "scale=0.5,rot=3",
                "interp=bicubic,scale=0.6x0.8,rot=1",
                "interp=nearest,scale=2",
                "rot=1,flip=h,scale=0.9",
                "crop=0:1:5:4,rot=1,scale=0.5"
            })
    void matchesTheTransform(String spec) {
        LatentTransform t = TransformSpec.parse(spec);
        FloatTensor x = random(2, 3, 6, 6, spec.hashCode());
        FloatTensor expected = t.apply(x);
        SeparableForm f = SeparableForm.of(t, 6, 6);
        FloatTensor actual = f.apply(x);
        assertArrayEquals(expected.shape(), actual.shape(), spec);
        for (int i = 0; i < expected.data().length; i++) {
            assertEquals(expected.data()[i], actual.data()[i], 1e-5, spec + " at " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 13, 20, 31})
    void eqVaeTransformsOnNonSquareInputs(int k) {
        LatentTransform t = LatentTransform.scaleThenRotate(k / 32.0, k % 3 + 1);
        FloatTensor x = random(1, 2, 8, 12, k);
        FloatTensor expected = t.apply(x);
        FloatTensor actual = SeparableForm.of(t, 8, 12).apply(x);
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.data().length; i++) {
            assertEquals(expected.data()[i], actual.data()[i], 1e-5);
        }
    }
}
