package org.eqvae4j.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Images and latents read from and written to bytes in memory are exactly what the file paths read and write. */
class ImageBytesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "photos/camera.png",
                "photos/chelsea.png",
                "formats/chessboard_GRAY_U16.tif",
                "formats/multipage.tif",
                "formats/chelsea-crop-lossy.webp"
            })
    void bytesReadLikeTheFile(String name) throws IOException {
        Path file = TestSupport.repoRoot().resolve("test-images").resolve(name);
        for (IntensityMapping mapping : List.of(IntensityMapping.LINEAR, IntensityMapping.parse("percentile"))) {
            ImageData fromFile = ImageFiles.readImage(file, mapping);
            ImageData fromBytes = ImageFiles.readImage(Files.readAllBytes(file), file.toString(), mapping);
            assertEquals(fromFile.metadata(), fromBytes.metadata(), name);
            assertArrayEquals(fromFile.pixels().shape(), fromBytes.pixels().shape(), name);
            assertArrayEquals(fromFile.pixels().data(), fromBytes.pixels().data(), name);
        }
    }

    @Test
    void commonsImagingFormatsReadFromBytes() throws IOException {
        byte[] pgm = ("P2\n3 2\n255\n0 128 255\n10 20 30\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path file = Files.write(tmp.resolve("a.pgm"), pgm);
        ImageData fromFile = ImageFiles.readImage(file, IntensityMapping.LINEAR);
        ImageData fromBytes = ImageFiles.readImage(pgm, "a.pgm", IntensityMapping.LINEAR);
        assertEquals(1, fromBytes.pixels().channels());
        assertArrayEquals(fromFile.pixels().data(), fromBytes.pixels().data());
        assertEquals(128 / 255f, fromBytes.pixels().data()[1], 1e-7);
    }

    @Test
    void badBytesNameTheImage() {
        IOException empty = assertThrows(
                IOException.class, () -> ImageFiles.readImage(new byte[0], "in/empty.png", IntensityMapping.LINEAR));
        assertTrue(
                empty.getMessage().contains("in/empty.png")
                        && empty.getMessage().contains("empty"),
                empty.getMessage());
        IOException text = assertThrows(
                IOException.class,
                () -> ImageFiles.readImage("not an image".getBytes(), "in/text.png", IntensityMapping.LINEAR));
        assertTrue(
                text.getMessage().contains("in/text.png") && text.getMessage().contains("readable format"),
                text.getMessage());
    }

    @Test
    void truncatedPngBytesAreAnError() throws IOException {
        byte[] png = Files.readAllBytes(TestSupport.repoRoot().resolve("test-images/photos/camera.png"));
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        IOException e =
                assertThrows(IOException.class, () -> ImageFiles.readImage(cut, "cut.png", IntensityMapping.LINEAR));
        assertTrue(e.getMessage().contains("cut.png"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "tiff"})
    void streamWritingGivesTheFileBytes(String container) throws IOException {
        FloatTensor pixels = TestSupport.random(3, 1, 3, 9, 7).map(v -> (v + 1) / 2);
        ImageMetadata like = new ImageMetadata(
                container, 3, 16, false, 1, new PixelSize(0.5, 0.5, "micron"), IntensityScaling.linear(16, false));
        Path file = tmp.resolve("x." + (container.equals("png") ? "png" : "tif"));
        ImageFiles.write(pixels, like, file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageFiles.write(pixels, like, out, container, "x");
        assertArrayEquals(Files.readAllBytes(file), out.toByteArray());
    }
}
