package org.eqvae4j.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetTest {

    @Test
    void aFolderOfWebpPngAndOtherFilesLoadsTheImagesAndSkipsNothingReadable(@TempDir Path dir) throws Exception {
        Path formats = RepositoryRoot.get().resolve("test-images/formats");
        Files.copy(formats.resolve("chelsea-crop-lossless.webp"), dir.resolve("a.webp"));
        Files.copy(
                formats.resolve("chelsea-crop-lossy.webp"),
                Files.createDirectories(dir.resolve("sub")).resolve("b.WEBP"));
        Files.copy(RepositoryRoot.get().resolve("test-images/photos/microaneurysms.png"), dir.resolve("c.png"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        ImageSet set = ImageSet.load(dir, 3);
        assertEquals(3, set.size(), "two WebP and one PNG");
        assertTrue(set.skipped().isEmpty(), set.skipped().toString());
        assertEquals(
                2,
                set.images().stream()
                        .filter(i -> i.width() == 96 && i.height() == 80 && i.channels() == 3)
                        .count());
    }

    /** The autoencoder's 64 px Fashion-MNIST is the generator experiments' 64 px Fashion-MNIST, to 8 bits. */
    @Test
    void paddedAndResizedImagesMatchTheGeneratorExperimentsPreparation() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        byte[] px = new byte[28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(256);
        }
        Image8 digit = new Image8(1, 28, 28, px);
        ImageSet set = ImageSet.of(java.util.List.of(digit)).padded(32).resized(64);
        Image8 big = set.images().get(0);
        assertEquals(64, big.height());
        assertEquals(64, big.width());
        float[] reference = org.eqvae4j.training.generator.flow.FashionMnistImages.toModel(
                        java.util.List.of(digit), 0, 1, 1, 64)
                .data();
        float worst = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs((big.data()[i] & 0xff) / 255f - reference[i]));
        }
        assertTrue(worst <= 0.5f / 255 + 1e-6f, "largest difference " + worst * 255 + " levels");
        // an image already that size comes back as it is
        assertTrue(
                big == ImageSet.of(java.util.List.of(big)).resized(64).images().get(0));
    }

    /** Fashion-MNIST's grey IDX images reach a 3-channel model (TAEF2) with the grey repeated, as files do. */
    @Test
    void greyIdxImagesTakeTheModelsChannelCount(@TempDir Path dir) throws Exception {
        byte[] px = new byte[2 * 4 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 10);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + px.length);
        b.putInt(0x00000803).putInt(2).putInt(4).putInt(3).put(px);
        Path idx = dir.resolve("images-idx3-ubyte");
        Files.write(idx, b.array());

        ImageSet grey = ImageSet.load(idx, 1);
        ImageSet rgb = ImageSet.load(idx, 3);
        assertEquals(1, grey.images().get(1).channels());
        Image8 colour = rgb.images().get(1);
        assertEquals(3, colour.channels());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 3; x++) {
                    assertEquals(grey.images().get(1).get(0, y, x), colour.get(c, y, x));
                }
            }
        }
    }
}
