package org.eqvae4j.export.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published TAEF2 weights hold the same tensors as .pth and as .safetensors. The .pth files are not in the project (MBs);
 * the test runs when {@code -Deqvae.test.pretrained=DIR} names a folder with taef2/*.pth and taef2/*.safetensors, and is
 * skipped otherwise (see README, "Tests").
 */
class RealCheckpointTest {
    private static final String PRETRAINED = System.getProperty("eqvae.test.pretrained");

    @ParameterizedTest
    @ValueSource(strings = {"taef2_encoder", "taef2_decoder"})
    void pthAndSafetensorsAgree(String stem) throws IOException {
        assumeTrue(PRETRAINED != null, "-Deqvae.test.pretrained not set");
        Path dir = Path.of(PRETRAINED).resolve("taef2");
        Path pth = dir.resolve(stem + ".pth");
        Path safetensors = dir.resolve(stem + ".safetensors");
        assumeTrue(Files.isRegularFile(pth) && Files.isRegularFile(safetensors), "TAEF2 weights not in " + dir);

        StateDict fromPth = StateDict.read(pth);
        StateDict fromSafetensors = StateDict.read(safetensors);
        assertEquals(new HashSet<>(fromSafetensors.names()), new HashSet<>(fromPth.names()));
        for (Tensor expected : fromSafetensors.tensors()) {
            Tensor actual = fromPth.get(expected.name());
            assertEquals(DType.FLOAT16, expected.dtype(), expected.name());
            assertEquals(DType.FLOAT16, actual.dtype(), expected.name());
            assertArrayEquals(expected.dims(), actual.dims(), expected.name());
            assertArrayEquals(expected.rawData(), actual.rawData(), expected.name());
        }
        assertEquals(fromSafetensors.parameterCount(), fromPth.parameterCount());
        System.out.printf(
                "%s: %d tensors, %d parameters (.pth and .safetensors identical)%n",
                stem, fromPth.size(), fromPth.parameterCount());
    }
}
