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
}
