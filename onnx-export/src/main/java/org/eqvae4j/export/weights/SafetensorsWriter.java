package org.eqvae4j.export.weights;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.runtime.io.AtomicFiles;

/**
 * Writes a {@link StateDict} (with its metadata) as safetensors. The file appears atomically: it is
 * written to a temporary file in the same folder and moved into place, so a crash never leaves a
 * half-written checkpoint under the real name.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static void write(Path file, StateDict weights) throws IOException {
        byte[] header = header(weights);
        AtomicFiles.write(file, raw -> {
            OutputStream out = new BufferedOutputStream(raw, 1 << 20);
            out.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(header.length)
                    .array());
            out.write(header);
            for (Tensor t : weights.tensors()) {
                out.write(t.rawData());
            }
            out.flush();
        });
    }

    /** The JSON header, space-padded to a multiple of 8 bytes as the reference writer does, so data stays aligned. */
    private static byte[] header(StateDict weights) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (!weights.metadata().isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsReader.METADATA_KEY);
            weights.metadata().forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : weights.tensors()) {
            if (t.name().equals(SafetensorsReader.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor may not be named " + SafetensorsReader.METADATA_KEY);
            }
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", SafetensorsReader.dtypeName(t.dtype()));
            Arrays.stream(t.dims()).forEach(entry.putArray("shape")::add);
            entry.putArray("data_offsets").add(offset).add(offset + t.rawData().length);
            offset += t.rawData().length;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8); // JsonNode.toString() is valid JSON
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }
}
