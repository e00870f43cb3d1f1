package org.eqvae4j.runtime.transform;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.eqvae4j.runtime.TestSupport.plane;
import static org.eqvae4j.runtime.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class LatentTransformTest {

    @Test
    void rot90IsClockwiseLikeTorchRot90WithDimsMinus1Minus2() {
        FloatTensor x = plane(new float[][] {{0, 1, 2}, {3, 4, 5}});
        FloatTensor r = LatentTransform.rotate90(1).apply(x);
        assertClose(plane(new float[][] {{3, 0}, {4, 1}, {5, 2}}), r, 0);
        FloatTensor r2 = LatentTransform.rotate90(2).apply(x);
        assertClose(plane(new float[][] {{5, 4, 3}, {2, 1, 0}}), r2, 0);
        FloatTensor r3 = LatentTransform.rotate90(3).apply(x);
        assertClose(plane(new float[][] {{2, 5}, {1, 4}, {0, 3}}), r3, 0);
    }

    @Test
    void rotationTurnsEveryPlaneOfABatch() {
        FloatTensor x = random(11, 2, 3, 4, 5);
        FloatTensor r = LatentTransform.rotate90(1).apply(x);
        assertArrayEquals(new long[] {2, 3, 5, 4}, r.shape());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 4; j++) {
                        assertEquals(x.get(n, c, 4 - 1 - j, i), r.get(n, c, i, j));
                    }
                }
            }
        }
    }

    @Test
    void rotationCountsModuloFour() {
        FloatTensor x = random(12, 1, 2, 3, 5);
        assertClose(x, LatentTransform.rotate90(4).apply(x), 0);
        assertClose(x, LatentTransform.rotate90(0).apply(x), 0);
        assertClose(x, LatentTransform.rotate90(-8).apply(x), 0);
        assertClose(
                LatentTransform.rotate90(3).apply(x),
                LatentTransform.rotate90(-1).apply(x),
                0);
        assertClose(
                LatentTransform.rotate90(1).apply(x),
                LatentTransform.rotate90(5).apply(x),
                0);
        assertClose(
                LatentTransform.rotate90(2).apply(x),
                LatentTransform.rotate90(-2).apply(x),
                0);
        assertClose(
                x,
                LatentTransform.rotate90(1)
                        .andThen(LatentTransform.rotate90(-1))
                        .apply(x),
                0);
    }

    @Test
    void flips() {
        FloatTensor x = plane(new float[][] {{0, 1, 2}, {3, 4, 5}});
        assertClose(
                plane(new float[][] {{2, 1, 0}, {5, 4, 3}}),
                LatentTransform.flip(true).apply(x),
                0);
        assertClose(
                plane(new float[][] {{3, 4, 5}, {0, 1, 2}}),
                LatentTransform.flip(false).apply(x),
                0);
        FloatTensor y = random(13, 2, 3, 4, 7);
        for (boolean h : new boolean[] {true, false}) {
            LatentTransform f = LatentTransform.flip(h);
            assertClose(y, f.andThen(f).apply(y), 0);
        }
        // h-flip then v-flip is a half turn
        assertClose(
                LatentTransform.rotate90(2).apply(y),
                LatentTransform.flip(true).andThen(LatentTransform.flip(false)).apply(y),
                0);
    }

    @Test
    void cropTakesTheWindowOfEveryPlane() {
        FloatTensor x = random(14, 2, 2, 5, 6);
        FloatTensor c = LatentTransform.crop(1, 2, 3, 4).apply(x);
        assertArrayEquals(new long[] {2, 2, 3, 4}, c.shape());
        for (int n = 0; n < 2; n++) {
            for (int ch = 0; ch < 2; ch++) {
                for (int y = 0; y < 3; y++) {
                    for (int xx = 0; xx < 4; xx++) {
                        assertEquals(x.get(n, ch, 1 + y, 2 + xx), c.get(n, ch, y, xx));
                    }
                }
            }
        }
        FloatTensor p = plane(new float[][] {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}});
        assertClose(
                plane(new float[][] {{4, 5}, {7, 8}}),
                LatentTransform.crop(1, 1, 2, 2).apply(p),
                0);
        assertClose(p, LatentTransform.crop(0, 0, 3, 3).apply(p), 0);
    }

    @Test
    void cropOutsideTheInputIsRefusedClearly() {
        FloatTensor x = random(15, 1, 1, 4, 4);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LatentTransform.crop(2, 1, 3, 2).apply(x));
        assertTrue(e.getMessage().contains("outside") && e.getMessage().contains("4x4"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> LatentTransform.crop(0, 3, 1, 2).apply(x));
        IllegalArgumentException neg =
                assertThrows(IllegalArgumentException.class, () -> LatentTransform.crop(-1, 0, 1, 1));
        assertTrue(neg.getMessage().contains("y=-1"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LatentTransform.crop(0, 0, 0, 1));
    }

    @Test
    void scaleSizesAreFloorForLatentsAndAMultipleOfFForImages() {
        int f = 8;
        int[][] latentSizes = {{20, 13}, {32, 32}, {7, 9}, {64, 37}};
        for (int[] hw : latentSizes) {
            FloatTensor z = random(hw[0] * 31L + hw[1], 1, 2, hw[0], hw[1]);
            FloatTensor img = random(hw[0] * 17L + hw[1], 1, 1, f * hw[0], f * hw[1]);
            for (int k = 1; k <= 48; k++) {
                double s = k / 32.0;
                int lh = hw[0] * k / 32;
                int lw = hw[1] * k / 32;
                LatentTransform t = LatentTransform.scale(s, Interpolation.BILINEAR);
                if (lh == 0 || lw == 0) {
                    assertThrows(IllegalArgumentException.class, () -> t.apply(z));
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> t.imageCounterpart(f).apply(img));
                    continue;
                }
                FloatTensor zs = t.apply(z);
                assertArrayEquals(new long[] {1, 2, lh, lw}, zs.shape(), "latent " + hw[0] + "x" + hw[1] + " s=" + s);
                FloatTensor is = t.imageCounterpart(f).apply(img);
                assertArrayEquals(
                        new long[] {1, 1, f * lh, f * lw}, is.shape(), "image " + hw[0] + "x" + hw[1] + " s=" + s);
            }
        }
    }

    @Test
    void anisotropicScaleAndItsImageCounterpart() {
        LatentTransform t = LatentTransform.scale(0.5, 0.75, Interpolation.NEAREST);
        assertArrayEquals(
                new long[] {1, 1, 5, 6}, t.apply(random(1, 1, 1, 11, 8)).shape());
        assertArrayEquals(
                new long[] {1, 3, 40, 48},
                t.imageCounterpart(8).apply(random(2, 1, 3, 88, 64)).shape());
        // image counterparts compose: f = 2 then 4 is f = 8
        assertEquals(t.imageCounterpart(8), t.imageCounterpart(2).imageCounterpart(4));
    }

    @Test
    void scaleByOneKeepsTheTensor() {
        FloatTensor z = random(3, 1, 4, 6, 5);
        assertClose(z, LatentTransform.scale(1.0, Interpolation.BICUBIC).apply(z), 0);
    }

    @Test
    void scaleRefusesBadFactorsAndSizes() {
        for (double s : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> LatentTransform.scale(s, Interpolation.BILINEAR),
                    "scale " + s);
            assertTrue(e.getMessage().contains("positive"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> LatentTransform.scale(0.5, 0, Interpolation.BILINEAR));
        FloatTensor z = random(4, 1, 1, 3, 8);
        IllegalArgumentException zero = assertThrows(
                IllegalArgumentException.class,
                () -> LatentTransform.scale(0.25, Interpolation.BILINEAR).apply(z));
        assertTrue(
                zero.getMessage().contains("leaves nothing")
                        && zero.getMessage().contains("3x8"),
                zero.getMessage());
        FloatTensor img = random(5, 1, 3, 60, 64);
        IllegalArgumentException mult = assertThrows(
                IllegalArgumentException.class,
                () -> LatentTransform.scale(0.5, Interpolation.BILINEAR)
                        .imageCounterpart(8)
                        .apply(img));
        assertTrue(
                mult.getMessage().contains("60x64")
                        && mult.getMessage().contains("multiple")
                        && mult.getMessage().contains("8"),
                mult.getMessage());
    }

    @Test
    void imageCounterpartOfAScaleMatchesResizingTheImageToTheScaledLatentSize() {
        FloatTensor img = random(6, 1, 3, 40, 24);
        FloatTensor viaCounterpart = LatentTransform.scale(0.75, Interpolation.BICUBIC)
                .imageCounterpart(8)
                .apply(img);
        // latent 5x3 -> floor(3.75)=3 x floor(2.25)=2 -> image 24x16
        assertClose(Resampler.resize(img, 24, 16, Interpolation.BICUBIC), viaCounterpart, 0);
    }

    @Test
    void cropAndCompositeCounterparts() {
        assertEquals(
                LatentTransform.crop(8, 16, 24, 32),
                LatentTransform.crop(1, 2, 3, 4).imageCounterpart(8));
        assertEquals(LatentTransform.rotate90(3), LatentTransform.rotate90(3).imageCounterpart(8));
        assertEquals(LatentTransform.flip(false), LatentTransform.flip(false).imageCounterpart(8));

        LatentTransform t = LatentTransform.scale(0.5, Interpolation.BILINEAR)
                .andThen(LatentTransform.crop(1, 2, 3, 4))
                .andThen(LatentTransform.rotate90(1))
                .andThen(LatentTransform.flip(true));
        LatentTransform.Composite c = assertInstanceOf(LatentTransform.Composite.class, t);
        assertEquals(4, c.steps().size(), "andThen flattens nested composites");
        LatentTransform.Composite ic = assertInstanceOf(LatentTransform.Composite.class, t.imageCounterpart(8));
        assertEquals(
                List.of(
                        new LatentTransform.Scale(0.5, 0.5, Interpolation.BILINEAR, 8),
                        LatentTransform.crop(8, 16, 24, 32),
                        LatentTransform.rotate90(1),
                        LatentTransform.flip(true)),
                ic.steps());

        // applied: latent 10x12 -> 5x6 -> crop 3x4 -> rot 4x3; image 80x96 -> 40x48 -> 24x32 -> 32x24
        FloatTensor z = random(7, 1, 4, 10, 12);
        FloatTensor img = random(8, 1, 3, 80, 96);
        assertArrayEquals(new long[] {1, 4, 4, 3}, t.apply(z).shape());
        assertArrayEquals(
                new long[] {1, 3, 32, 24}, t.imageCounterpart(8).apply(img).shape());
        // the composite is the steps applied in order
        FloatTensor stepwise = LatentTransform.flip(true)
                .apply(LatentTransform.rotate90(1)
                        .apply(LatentTransform.crop(1, 2, 3, 4)
                                .apply(LatentTransform.scale(0.5, Interpolation.BILINEAR)
                                        .apply(z))));
        assertClose(stepwise, t.apply(z), 0);
    }

    @Test
    void referenceTransformIsBilinearScaleThenRotation() {
        FloatTensor z = random(9, 1, 2, 8, 6);
        FloatTensor expected = LatentTransform.rotate90(1).apply(Resampler.resize(z, 4, 3, Interpolation.BILINEAR));
        assertClose(expected, LatentTransform.scaleThenRotate(0.5, 1).apply(z), 0);
    }
}
