package org.eqvae4j.export.weights;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;

/**
 * Reads safetensors: an 8-byte little-endian header length, a UTF-8 JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {k: v}}}, then the raw
 * little-endian data, offsets counted from its start. Tensors are read one at a time with positional
 * reads, so the file is never held in memory twice.
 */
public final class SafetensorsReader {
    static final String METADATA_KEY = "__metadata__";

    /** The reference implementation's limit; a larger length means a corrupt file, not a big header. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** ObjectReader is immutable; duplicate tensor names are an error rather than last-one-wins. */
    private static final ObjectReader JSON =
            new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private SafetensorsReader() {}

    public static StateDict read(Path file) throws WeightFileException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new WeightFileException(
                        file, "truncated: " + size + " bytes, too short for a safetensors header");
            }
            long headerLength = ByteBuffer.wrap(readAt(file, ch, 0, 8))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            if (headerLength < 2 || headerLength > size - 8) {
                throw new WeightFileException(
                        file,
                        "truncated or corrupt: header length " + Long.toUnsignedString(headerLength)
                                + " but the file has only " + (size - 8) + " bytes after the length field");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new WeightFileException(file, "corrupt: header length " + headerLength + " exceeds 100 MB");
            }
            JsonNode header = parseHeader(file, readAt(file, ch, 8, (int) headerLength));
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Tensor> tensors = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : header.properties()) {
                if (field.getKey().equals(METADATA_KEY)) {
                    readMetadata(file, field.getValue(), metadata);
                } else {
                    tensors.add(readTensor(file, ch, field.getKey(), field.getValue(), dataStart, dataSize));
                }
            }
            return StateDict.of(tensors, metadata);
        } catch (IOException e) {
            throw WeightFileException.wrap(file, e);
        }
    }

    /** The safetensors name of a dtype, e.g. "F16". */
    static String dtypeName(DType dtype) {
        return switch (dtype) {
            case FLOAT -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case DOUBLE -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    private static DType dtypeOf(String name) {
        for (DType t : DType.values()) {
            if (dtypeName(t).equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static JsonNode parseHeader(Path file, byte[] json) throws WeightFileException {
        JsonNode header;
        try {
            header = JSON.readTree(json);
        } catch (IOException e) {
            String why = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
            throw new WeightFileException(file, "corrupt JSON header: " + why, e);
        }
        if (header == null || !header.isObject()) {
            throw new WeightFileException(file, "corrupt JSON header: not a JSON object");
        }
        return header;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into) throws WeightFileException {
        if (!node.isObject()) {
            throw new WeightFileException(file, "corrupt JSON header: " + METADATA_KEY + " is not an object");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new WeightFileException(
                        file, "corrupt JSON header: metadata value '" + e.getKey() + "' is not a string");
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Tensor readTensor(
            Path file, FileChannel ch, String name, JsonNode entry, long dataStart, long dataSize) throws IOException {
        String where = "tensor '" + name + "'";
        JsonNode dtypeNode = entry.path("dtype");
        if (!dtypeNode.isTextual()) {
            throw new WeightFileException(file, "corrupt JSON header: " + where + " has no dtype");
        }
        DType dtype = dtypeOf(dtypeNode.textValue());
        if (dtype == null) {
            throw new WeightFileException(
                    file,
                    where + " has unsupported dtype " + dtypeNode.textValue()
                            + " (supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL)");
        }
        long[] shape = longs(file, entry.path("shape"), where + " shape");
        long[] offsets = longs(file, entry.path("data_offsets"), where + " data_offsets");
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new WeightFileException(
                    file,
                    "corrupt JSON header: " + where + " data_offsets " + Arrays.toString(offsets)
                            + " is not [begin, end]");
        }
        if (offsets[1] > dataSize) {
            throw new WeightFileException(
                    file,
                    "truncated: " + where + " data_offsets " + Arrays.toString(offsets) + " reach beyond the "
                            + dataSize + " data bytes in the file");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.numElements(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new WeightFileException(
                    file, "corrupt JSON header: " + where + " shape " + Arrays.toString(shape) + " overflows");
        }
        long length = offsets[1] - offsets[0];
        if (length != expected) {
            throw new WeightFileException(
                    file,
                    where + " has " + length + " bytes of data but " + dtypeNode.textValue() + " "
                            + Arrays.toString(shape) + " needs " + expected);
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new WeightFileException(file, where + " is " + length + " bytes, more than one Java array holds");
        }
        return new Tensor(name, dtype, shape, readAt(file, ch, dataStart + offsets[0], (int) length));
    }

    private static long[] longs(Path file, JsonNode node, String what) throws WeightFileException {
        if (!node.isArray()) {
            throw new WeightFileException(file, "corrupt JSON header: " + what + " is not an array");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = node.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
                throw new WeightFileException(
                        file, "corrupt JSON header: " + what + " holds " + n + ", not a non-negative integer");
            }
            out[i] = n.longValue();
        }
        return out;
    }

    private static byte[] readAt(Path file, FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new WeightFileException(file, "truncated: the file ended while reading it");
            }
        }
        return buf.array();
    }
}
