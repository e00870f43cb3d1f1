package org.eqvae4j.export.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eqvae4j.export.graph.Attribute;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.proto.Onnx;

/**
 * Reads an ONNX model into the graph IR, e.g. to fine-tune a model exported by another tool.
 * Initializers that are also listed as graph inputs (an older exporter convention) are treated as
 * initializers. External data (weights in side files) is resolved relative to the model file.
 */
public final class OnnxReader {
    private OnnxReader() {}

    public static Graph read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read ONNX model " + file + ": " + e.getMessage(), e);
        }
        return read(bytes, file.toAbsolutePath().getParent(), file.toString());
    }

    public static Graph read(byte[] bytes, Path externalDataDir, String sourceName) throws IOException {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(
                    sourceName + " is not a valid ONNX model (protobuf parse failed: " + e.getMessage() + ")", e);
        }
        if (!model.hasGraph()) {
            throw new IOException(sourceName + " is not an ONNX model: it has no graph");
        }
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            opsets.put(o.getDomain().equals("ai.onnx") ? "" : o.getDomain(), o.getVersion());
        }
        try {
            return graph(model.getGraph(), opsets, externalDataDir);
        } catch (IllegalArgumentException e) {
            throw new IOException(sourceName + ": " + e.getMessage(), e);
        }
    }

    /** Model-level metadata_props (key/value strings). */
    public static Map<String, String> metadata(Path file) throws IOException {
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        return model.getMetadataPropsList().stream()
                .collect(Collectors.toMap(
                        Onnx.StringStringEntryProto::getKey,
                        Onnx.StringStringEntryProto::getValue,
                        (a, b) -> b,
                        LinkedHashMap::new));
    }

    static Graph graph(Onnx.GraphProto g, Map<String, Long> opsets, Path externalDataDir) throws IOException {
        Map<String, Tensor> inits = new LinkedHashMap<>();
        for (Onnx.TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), tensor(t, externalDataDir));
        }
        Map<String, Value> values = new HashMap<>();
        for (Onnx.ValueInfoProto vi : g.getValueInfoList()) {
            values.put(vi.getName(), value(vi));
        }
        List<Value> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto vi : g.getInputList()) {
            Value v = value(vi);
            values.put(v.name(), v);
            if (!inits.containsKey(v.name())) {
                inputs.add(v);
            }
        }
        for (Tensor t : inits.values()) {
            values.put(t.name(), new Value(t.name(), t.dtype(), Shape.of(t.dims())));
        }
        List<Value> outputs = new ArrayList<>();
        for (Onnx.ValueInfoProto vi : g.getOutputList()) {
            Value v = value(vi);
            values.put(v.name(), v);
            outputs.add(v);
        }
        List<Node> nodes = new ArrayList<>();
        int index = 0;
        for (Onnx.NodeProto n : g.getNodeList()) {
            List<Value> in = new ArrayList<>();
            for (String name : n.getInputList()) {
                // element type unknown (null) until GraphBuilder.from infers it
                in.add(name.isEmpty() ? null : values.computeIfAbsent(name, k -> new Value(k, null, null)));
            }
            List<Value> out = new ArrayList<>();
            for (String name : n.getOutputList()) {
                out.add(values.computeIfAbsent(name, k -> new Value(k, null, null)));
            }
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            for (Onnx.AttributeProto a : n.getAttributeList()) {
                attrs.put(a.getName(), attribute(a, opsets, externalDataDir));
            }
            String name = n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
            nodes.add(new Node(
                    name, n.getOpType(), n.getDomain().equals("ai.onnx") ? "" : n.getDomain(), in, out, attrs));
            index++;
        }
        return new Graph(g.getName(), inputs, outputs, inits, nodes, opsets, guessParameters(inits, nodes));
    }

    /**
     * ONNX does not mark which initializers are learnable. Taken as parameters: floating-point
     * initializers of rank >= 1 that feed at least one data input; scalars, the control inputs of
     * Resize (roi, scales) and BatchNormalization's running mean and variance (statistics, which an
     * optimizer's weight decay must not shrink) are constants.
     */
    static java.util.Set<String> guessParameters(Map<String, Tensor> inits, List<Node> nodes) {
        java.util.Set<String> params = new java.util.HashSet<>();
        for (Node n : nodes) {
            for (int i = 0; i < n.inputs().size(); i++) {
                Value v = n.inputs().get(i);
                boolean control =
                        (n.opType().equals("Resize") && i > 0) || (n.opType().equals("BatchNormalization") && i >= 3);
                Tensor t = v == null ? null : inits.get(v.name());
                if (t != null && !control && t.dtype().isFloatingPoint() && t.rank() > 0) {
                    params.add(t.name());
                }
            }
        }
        return params;
    }

    static Value value(Onnx.ValueInfoProto vi) {
        if (!vi.getType().hasTensorType()) {
            throw new IllegalArgumentException(
                    "value '" + vi.getName() + "' is not a tensor (sequence/map/optional types are not supported)");
        }
        Onnx.TypeProto.Tensor tt = vi.getType().getTensorType();
        Shape shape = null;
        if (tt.hasShape()) {
            List<Shape.Dim> dims = new ArrayList<>();
            for (Onnx.TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                dims.add(
                        d.hasDimValue()
                                ? Shape.Dim.of(d.getDimValue())
                                : d.hasDimParam() ? Shape.Dim.symbol(d.getDimParam()) : Shape.Dim.unknown());
            }
            shape = new Shape(dims);
        }
        return new Value(vi.getName(), DType.fromOnnx(tt.getElemType()), shape);
    }

    static Attribute attribute(Onnx.AttributeProto a, Map<String, Long> opsets, Path dir) throws IOException {
        return switch (a.getType()) {
            case FLOAT -> Attribute.of(a.getF());
            case INT -> Attribute.of(a.getI());
            case STRING -> Attribute.of(a.getS().toStringUtf8());
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield Attribute.of(f);
            }
            case INTS ->
                Attribute.of(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case STRINGS ->
                new Attribute(
                        Attribute.Kind.STRINGS,
                        a.getStringsList().stream()
                                .map(com.google.protobuf.ByteString::toStringUtf8)
                                .toList());
            case TENSOR -> Attribute.of(tensor(a.getT(), dir));
            case GRAPH -> Attribute.of(graph(a.getG(), opsets, dir));
            default ->
                throw new IllegalArgumentException(
                        "attribute '" + a.getName() + "' has unsupported type " + a.getType());
        };
    }

    static Tensor tensor(Onnx.TensorProto t, Path dir) throws IOException {
        DType dtype = DType.fromOnnx(t.getDataType());
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int n = Math.toIntExact(Tensor.numElements(dims));
        byte[] raw;
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            raw = externalData(t, dir, n * dtype.byteSize());
        } else if (t.hasRawData()) {
            raw = t.getRawData().toByteArray();
        } else {
            ByteBuffer b = ByteBuffer.allocate(n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case FLOAT -> t.getFloatDataList().forEach(b::putFloat);
                case DOUBLE -> t.getDoubleDataList().forEach(b::putDouble);
                case INT64 -> t.getInt64DataList().forEach(b::putLong);
                case INT32 -> t.getInt32DataList().forEach(b::putInt);
                // int32_data carries the narrow types, one element per entry
                case INT8, UINT8, BOOL -> t.getInt32DataList().forEach(v -> b.put((byte) (int) v));
                case FLOAT16, BFLOAT16 -> t.getInt32DataList().forEach(v -> b.putShort((short) (int) v));
                default -> throw new IllegalArgumentException("tensor '" + t.getName() + "': no data");
            }
            if (b.position() != b.capacity()) {
                throw new IllegalArgumentException("tensor '" + t.getName() + "' has " + b.position() / dtype.byteSize()
                        + " values for shape " + Shape.format(dims));
            }
            raw = b.array();
        }
        return new Tensor(t.getName(), dtype, dims, raw);
    }

    private static byte[] externalData(Onnx.TensorProto t, Path dir, int length) throws IOException {
        Map<String, String> info = new HashMap<>();
        t.getExternalDataList().forEach(e -> info.put(e.getKey(), e.getValue()));
        String location = info.get("location");
        if (location == null || dir == null) {
            throw new IOException("tensor '" + t.getName() + "' has external data without a resolvable location");
        }
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw new IOException(
                    "tensor '" + t.getName() + "': external data path escapes the model folder: " + location);
        }
        long offset = Long.parseLong(info.getOrDefault("offset", "0"));
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            if (offset + length > ch.size()) {
                throw new IOException("external data file " + file + " is too short for tensor '" + t.getName() + "'");
            }
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new IOException("unexpected end of " + file);
                }
            }
            return b.array();
        }
    }
}
