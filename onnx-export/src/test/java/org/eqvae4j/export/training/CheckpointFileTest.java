package org.eqvae4j.export.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {

    static Checkpoint fullCheckpoint() {
        Map<String, Tensor> trainable = new LinkedHashMap<>();
        trainable.put(
                "conv.weight", Tensor.ofFloats("conv.weight", new long[] {2, 1, 1, 2}, 1f, -2f, 3.5f, Float.MIN_VALUE));
        trainable.put("conv.bias", Tensor.ofFloats("conv.bias", new long[] {2}, 0.25f, -0f));
        Map<String, Tensor> frozen = new LinkedHashMap<>();
        frozen.put("scale", Tensor.ofFloats("scale", new long[0], 0.18215f));
        frozen.put("counts", Tensor.ofLongs("counts", new long[] {3}, 1, Long.MAX_VALUE, -7));
        frozen.put("empty", Tensor.ofFloats("empty", new long[] {0, 4}));
        Map<String, List<Tensor>> moments = new LinkedHashMap<>();
        moments.put(
                "conv.weight",
                List.of(
                        Tensor.ofFloats("momentum0", new long[] {2, 1, 1, 2}, 0.1f, 0.2f, 0.3f, 0.4f),
                        Tensor.ofFloats("momentum1", new long[] {2, 1, 1, 2}, 1e-3f, 2e-3f, 3e-3f, 4e-3f)));
        moments.put(
                "conv.bias",
                List.of(
                        Tensor.ofFloats("momentum0", new long[] {2}, -1f, 1f),
                        Tensor.ofFloats("momentum1", new long[] {2}, 5f, 6f)));
        Checkpoint.OptimizerState optimizer = new Checkpoint.OptimizerState(42, 4.5e-6f, moments);
        Checkpoint.Properties properties = new Checkpoint.Properties(
                Map.of("epoch", 3L, "big", Long.MIN_VALUE),
                Map.of("learning_rate", 1.5e-4f),
                Map.of("note", "Äquivarianz ✓", "empty", ""));
        return new Checkpoint(trainable, frozen, Optional.of(optimizer), properties);
    }

    static void assertSameTensor(Tensor expected, Tensor actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.dtype(), actual.dtype(), expected.name());
        assertArrayEquals(expected.dims(), actual.dims(), expected.name());
        assertArrayEquals(expected.rawData(), actual.rawData(), expected.name());
    }

    static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        expected.forEach((name, t) -> assertSameTensor(t, actual.get(name)));
    }

    static void assertSameCheckpoint(Checkpoint expected, Checkpoint actual) {
        assertSameTensors(expected.trainable(), actual.trainable());
        assertSameTensors(expected.frozen(), actual.frozen());
        assertEquals(expected.optimizer().isPresent(), actual.optimizer().isPresent());
        expected.optimizer().ifPresent(e -> {
            Checkpoint.OptimizerState a = actual.optimizer().orElseThrow();
            assertEquals(e.step(), a.step());
            assertEquals(Float.floatToIntBits(e.initialLearningRate()), Float.floatToIntBits(a.initialLearningRate()));
            assertEquals(
                    List.copyOf(e.moments().keySet()), List.copyOf(a.moments().keySet()));
            e.moments().forEach((name, tensors) -> {
                assertEquals(tensors.size(), a.moments().get(name).size());
                for (int i = 0; i < tensors.size(); i++) {
                    assertSameTensor(tensors.get(i), a.moments().get(name).get(i));
                }
            });
        });
        assertEquals(expected.properties(), actual.properties());
    }

    @Test
    void writeThenReadIsExact(@TempDir Path dir) throws IOException {
        Checkpoint original = fullCheckpoint();
        Path file = dir.resolve("checkpoint");
        CheckpointFile.write(original, file);
        assertSameCheckpoint(original, CheckpointFile.read(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temp files left behind");
        }
    }

    @Test
    void parametersOnlyCheckpointHasNoOptimizerStateOrProperties() throws IOException {
        Checkpoint original = Checkpoint.ofParameters(fullCheckpoint().trainable(), Map.of());
        byte[] bytes = CheckpointFile.toBytes(original);
        assertEquals("ODTC", new String(bytes, 4, 4, StandardCharsets.US_ASCII));
        Checkpoint read = CheckpointFile.fromBytes(bytes, "mem");
        assertSameCheckpoint(original, read);
        assertTrue(read.optimizer().isEmpty());
        assertTrue(read.properties().isEmpty());
    }

    @Test
    void otherFilesAreRejectedByName(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("image.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0});
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.read(png));
        assertTrue(
                e.getMessage().contains(png.toString())
                        && e.getMessage().contains("not an ONNX Runtime training checkpoint"),
                e.getMessage());

        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[3]);
        e = assertThrows(IOException.class, () -> CheckpointFile.read(tiny));
        assertTrue(e.getMessage().contains(tiny.toString()), e.getMessage());

        Path missing = dir.resolve("missing");
        e = assertThrows(IOException.class, () -> CheckpointFile.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void everyTruncationIsAClearError() throws IOException {
        Checkpoint original = fullCheckpoint();
        byte[] bytes = CheckpointFile.toBytes(original);
        int unnoticed = 0;
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            Checkpoint read;
            try {
                read = CheckpointFile.fromBytes(cut, "ckpt-" + length);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("ckpt-" + length), e.getMessage());
                continue;
            }
            // the last bytes of a flatbuffer can be padding or a string's terminating zero: losing
            // those loses nothing, and the content must then be complete
            assertSameCheckpoint(original, read);
            unnoticed++;
        }
        assertTrue(unnoticed <= 4, unnoticed + " truncations went unnoticed");
    }

    @Test
    void corruptBytesGiveIoExceptionsOnly() {
        byte[] bytes = CheckpointFile.toBytes(fullCheckpoint());
        Random random = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] corrupt = bytes.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                corrupt[8 + random.nextInt(corrupt.length - 8)] = (byte) random.nextInt(256);
            }
            try {
                CheckpointFile.fromBytes(corrupt, "corrupt");
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("corrupt"), expected.getMessage());
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("trial " + trial + ": " + e, e);
            }
        }
    }

    @Test
    void unsupportedVersionIsNamed() {
        byte[] bytes = CheckpointFile.toBytes(fullCheckpoint());
        // the version is the root table's only int32 field with value 2; patch it through the vtable
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int root = b.getInt(0);
        int vtable = root - b.getInt(root);
        int versionField = root + b.getShort(vtable + 4);
        assertEquals(2, b.getInt(versionField));
        b.putInt(versionField, 1);
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.fromBytes(bytes, "old"));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void tensorDataMustMatchItsShape() {
        Tensor bad = Tensor.ofFloats("w", new long[] {2}, 1f, 2f);
        byte[] bytes = CheckpointFile.toBytes(Checkpoint.ofParameters(Map.of("w", bad), Map.of()));
        // claim a third element by patching the dims vector's single entry 2 -> 3
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (int i = 0; i + 12 <= bytes.length; i += 4) {
            if (b.getInt(i) == 1 && b.getLong(i + 4) == 2) {
                b.putLong(i + 4, 3);
                patched++;
            }
        }
        assertEquals(1, patched, "one dims vector [2]");
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.fromBytes(bytes, "ckpt"));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("ckpt"), e.getMessage());
        assertEquals(DType.FLOAT, bad.dtype());
    }
}
