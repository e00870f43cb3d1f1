package org.eqvae4j.runtime.latent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.eqvae4j.runtime.image.HostileFiles;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latent files fuzzed (fixed seed): the JSON header mutated (wrong types, signs, sizes, removed fields) and
 * the TIFF header and first directory's bytes changed. Reading either works or fails as an IOException
 * naming the file; never an unchecked exception, an Error or a long stall.
 */
class LatentHeaderFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void mutatedLatentFilesReadOrFailNamingTheFile() throws Exception {
        FloatTensor z = FloatTensor.zeros(2, 4, 3, 5);
        Path file = tmp.resolve("z.latent.tif");
        String header =
                "{\"format\":\"eqvae4j-latent\",\"formatVersion\":1,\"bundleId\":\"taef2\",\"downsamplingFactor\":8,"
                        + "\"shape\":[2,4,3,5],\"sourceFile\":\"a.png\",\"source\":{\"format\":\"png\",\"channels\":3,\"bitsPerSample\":8,"
                        + "\"floatingPoint\":false,\"pages\":2,\"scaling\":{\"method\":\"linear\",\"low\":0,\"high\":255}}}";
        FloatTensor pages = new FloatTensor(8, 1, 3, 5, z.data());
        TiffFiles.write(file, pages, TiffFiles.SampleType.FLOAT32, null, header);
        LatentFile.read(file); // valid as written
        byte[] valid = Files.readAllBytes(file);
        Random random = new Random(18);
        int refused = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < 3000; i++) {
            try {
                if (i % 8 != 0) { // the header text: parsed and checked as reading does
                    String where = "latent file " + file;
                    LatentHeader h = LatentFile.parseHeader(HostileFiles.mutateJson(header, random), where);
                    h.toString();
                    continue;
                }
                if (i % 16 == 0) { // a whole file with a mutated header
                    TiffFiles.write(
                            file, pages, TiffFiles.SampleType.FLOAT32, null, HostileFiles.mutateJson(header, random));
                } else { // the TIFF header and first directory's bytes changed
                    byte[] b = valid.clone();
                    for (int k = 1 + random.nextInt(4); k > 0; k--) {
                        b[random.nextInt(Math.min(b.length, 400))] = (byte) random.nextInt(256);
                    }
                    Files.write(file, b);
                }
                LatentFile.read(file);
            } catch (IOException e) {
                refused++;
                assertTrue(
                        e.getMessage() != null && e.getMessage().contains(file.toString()),
                        "case " + i + ": " + e.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " escaped as " + t, t);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(refused > 500, "only " + refused + " of 3000 refused");
        assertTrue(seconds < 20, "3000 cases took " + seconds + " s");
    }
}
