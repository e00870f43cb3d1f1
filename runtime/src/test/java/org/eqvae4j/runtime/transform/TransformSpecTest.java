package org.eqvae4j.runtime.transform;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.eqvae4j.runtime.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TransformSpecTest {
    private static final FloatTensor Z = random(42, 1, 4, 16, 12);

    private static void assertSameTransform(LatentTransform expected, String spec) {
        LatentTransform parsed = TransformSpec.parse(spec);
        assertEquals(expected, parsed, spec);
        assertClose(expected.apply(Z), parsed.apply(Z), 0);
    }

    @Test
    void referenceSpec() {
        assertSameTransform(LatentTransform.scaleThenRotate(0.5, 1), "scale=0.5,rot=1");
    }

    @Test
    void singleSteps() {
        assertSameTransform(LatentTransform.scale(0.75, Interpolation.BILINEAR), "scale=0.75");
        assertSameTransform(LatentTransform.scale(0.5, 0.75, Interpolation.BILINEAR), "scale=0.5x0.75");
        assertSameTransform(LatentTransform.rotate90(-1), "rot=-1");
        assertSameTransform(LatentTransform.flip(true), "flip=h");
        assertSameTransform(LatentTransform.flip(false), "flip=v");
        assertSameTransform(LatentTransform.crop(1, 2, 3, 4), "crop=1:2:3:4");
    }

    @Test
    void interpolationAppliesToTheFollowingScaleSteps() {
        LatentTransform expected = LatentTransform.scale(0.5, Interpolation.BILINEAR)
                .andThen(LatentTransform.scale(1.5, Interpolation.BICUBIC))
                .andThen(LatentTransform.flip(true))
                .andThen(LatentTransform.scale(2, 1, Interpolation.NEAREST))
                .andThen(LatentTransform.crop(0, 1, 5, 6))
                .andThen(LatentTransform.rotate90(3));
        assertSameTransform(
                expected, "scale=0.5,interp=bicubic,scale=1.5,flip=h,interp=nearest,scale=2x1,crop=0:1:5:6,rot=3");
    }

    @Test
    void caseAndSpacesAroundStepsAreTolerated() {
        assertSameTransform(LatentTransform.scaleThenRotate(0.5, 1), " Scale=0.5 , ROT=1 ");
        assertSameTransform(
                LatentTransform.flip(true).andThen(LatentTransform.scale(2, Interpolation.BICUBIC)),
                "FLIP=H,interp=BiCubic,scale=2");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void emptySpecIsRefused(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformSpec.parse(spec));
        assertTrue(e.getMessage().contains("empty transform"), e.getMessage());
    }

    /** Each bad spec names the part that is wrong. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "scale=0.5,zoom=2     | zoom",
                "scale=abc            | scale=abc",
                "rot=1.5              | rot=1.5",
                "rot=one              | rot=one",
                "flip=x               | 'x'",
                "crop=1:2:3           | '1:2:3'",
                "crop=1:2:3:4:5       | '1:2:3:4:5'",
                "crop=1:2:3:4:        | '1:2:3:4:'",
                "crop=a:2:3:4         | crop=a:2:3:4",
                "interp=foo           | 'foo'",
                "scale                | 'scale'",
                "=2                   | '=2'",
                "scale=0.5,,rot=1     | ''",
                "interp=bicubic       | no steps",
                "scale=0.5x           | scale=0.5x",
                "scale=x0.5           | scale=x0.5",
                "scale=0.5x0.5x0.5    | '0.5x0.5x0.5'",
            })
    void badSpecsNameTheBadPart(String spec, String named) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TransformSpec.parse(spec), "'" + spec + "' should be refused");
        assertTrue(e.getMessage().contains(named), "message should name " + named + ": " + e.getMessage());
    }

    @Test
    void invalidValuesAreRefusedByTheTransformItself() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformSpec.parse("scale=0"));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransformSpec.parse("scale=-1"));
        assertThrows(IllegalArgumentException.class, () -> TransformSpec.parse("crop=-1:0:1:1"));
    }
}
