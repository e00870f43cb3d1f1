package org.eqvae4j.export.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** F16 0.5, -2, 65504 (max), smallest subnormal; BF16 1, -3.5. */
    private static final byte[] HALF = {0x00, 0x38, 0x00, (byte) 0xc0, (byte) 0xff, 0x7b, 0x01, 0x00};

    private static final byte[] BFLOAT = {(byte) 0x80, 0x3f, 0x60, (byte) 0xc0};

    private static StateDict sample() {
        return StateDict.of(
                List.of(
                        Tensor.ofFloats("enc.weight", new long[] {2, 3}, 1f, -2.5f, 3.25e-8f, Float.MAX_VALUE, -0f, 7f),
                        new Tensor("enc.half", DType.FLOAT16, new long[] {4}, HALF),
                        new Tensor("enc.bf16", DType.BFLOAT16, new long[] {1, 2}, BFLOAT),
                        Tensor.ofLongs("steps", new long[0], Long.MIN_VALUE),
                        Tensor.ofFloats("empty", new long[] {0, 5})),
                Map.of("format", "pt", "architecture", "test"));
    }

    @Test
    void roundTripKeepsValuesOrderAndMetadata() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, sample());
        StateDict read = SafetensorsReader.read(file);

        assertEquals(List.of("enc.weight", "enc.half", "enc.bf16", "steps", "empty"), read.names());
        assertEquals(Map.of("format", "pt", "architecture", "test"), read.metadata());
        for (Tensor expected : sample().tensors()) {
            Tensor actual = read.get(expected.name());
            assertEquals(expected.dtype(), actual.dtype());
            assertArrayEquals(expected.dims(), actual.dims());
            assertArrayEquals(expected.rawData(), actual.rawData(), expected.name());
        }
        assertArrayEquals(
                new float[] {0.5f, -2f, 65504f, 0x1p-24f}, read.get("enc.half").toFloats());
        assertArrayEquals(new float[] {1f, -3.5f}, read.get("enc.bf16").toFloats());
        assertArrayEquals(new long[] {Long.MIN_VALUE}, read.get("steps").toLongs());
        assertEquals(6 + 4 + 2 + 1, read.parameterCount());
    }

    @Test
    void headerIsAlignedAndStateDictReadDetectsTheFormat() throws IOException {
        Path file = dir.resolve("weights.bin"); // the extension says nothing
        SafetensorsWriter.write(file, sample());
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertEquals(0, headerLength % 8);
        assertEquals(sample().names(), StateDict.read(file).names());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Files.writeString(file, "old");
        SafetensorsWriter.write(file, sample());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(5, SafetensorsReader.read(file).size());
    }

    @Test
    void emptyFile() throws IOException {
        assertFails(Files.write(dir.resolve("empty.safetensors"), new byte[0]), "empty file");
    }

    @Test
    void garbage() throws IOException {
        assertFails(
                Files.writeString(dir.resolve("garbage.safetensors"), "these are not the weights you seek"),
                "neither safetensors nor a PyTorch zip checkpoint");
    }

    @Test
    void missingFile() {
        assertFails(dir.resolve("absent.safetensors"), "file not found");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        assertFails(safetensors("long-header.safetensors", 1000, "{}", new byte[0]), "truncated", "header length 1000");
    }

    @Test
    void dataCutShort() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        SafetensorsWriter.write(file, sample());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        assertFails(file, "truncated", "tensor 'steps' data_offsets");
    }

    @Test
    void corruptJson() throws IOException {
        assertFails(safetensors("json.safetensors", -1, "{\"a\": {\"dtype\": ", new byte[0]), "corrupt JSON header");
        assertFails(safetensors("array.safetensors", -1, "{\"a\": [1, 2]}", new byte[0]), "corrupt JSON header", "'a'");
    }

    @Test
    void dataSizeNotMatchingShape() throws IOException {
        String json = "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}";
        assertFails(safetensors("size.safetensors", -1, json, new byte[4]), "tensor 'x'", "4 bytes", "needs 8");
    }

    @Test
    void unsupportedDtype() throws IOException {
        String json = "{\"q\": {\"dtype\": \"F8_E4M3\", \"shape\": [1], \"data_offsets\": [0, 1]}}";
        assertFails(safetensors("fp8.safetensors", -1, json, new byte[1]), "tensor 'q'", "unsupported dtype F8_E4M3");
    }

    /** A file with the given header length field (-1: the true one), JSON header and data. */
    private Path safetensors(String name, long headerLength, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength < 0 ? header.length : headerLength).put(header).put(data);
        return Files.write(dir.resolve(name), b.array());
    }

    static void assertFails(Path file, String... fragments) {
        WeightFileException e = assertThrows(WeightFileException.class, () -> StateDict.read(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + e.getMessage());
        }
    }
}
