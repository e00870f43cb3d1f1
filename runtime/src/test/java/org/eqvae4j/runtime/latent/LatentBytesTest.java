package org.eqvae4j.runtime.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Latent files written to and read from bytes in memory are exactly the files. */
class LatentBytesTest {
    @TempDir
    Path tmp;

    @Test
    void latentBytesRoundTripLikeTheFile() throws IOException {
        FloatTensor z = TestSupport.random(8, 2, 4, 3, 5);
        Latent latent = new Latent(
                z,
                LatentHeader.of(LatentFileTest.manifest("taef2", 4), z.shape(), "a.png", ImageMetadata.plain8Bit(3)));
        Path file = tmp.resolve("a.latent.tif");
        LatentFile.write(file, latent);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LatentFile.write(out, "a.latent.tif", latent);
        assertArrayEquals(Files.readAllBytes(file), out.toByteArray());
        Latent back = LatentFile.read(out.toByteArray(), "mem/a.latent.tif");
        assertEquals(latent.header(), back.header());
        assertArrayEquals(z.data(), back.values().data());
        IOException e = assertThrows(
                IOException.class,
                () -> LatentFile.read(
                        Files.readAllBytes(TestSupport.repoRoot().resolve("test-images/formats/multipage.tif")),
                        "m.tif"));
        assertTrue(e.getMessage().contains("m.tif") && e.getMessage().contains("header"), e.getMessage());
    }
}
