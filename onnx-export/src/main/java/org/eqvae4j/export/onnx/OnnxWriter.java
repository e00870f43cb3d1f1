package org.eqvae4j.export.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.Attribute;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.proto.Onnx;
import org.eqvae4j.runtime.io.AtomicFiles;

/**
 * Writes a {@link Graph} as an ONNX model (IR version 8). Weights are stored inline as raw data,
 * which keeps a model one self-contained file; protobuf's 2 GB message limit is far above the
 * autoencoders this project handles.
 */
public final class OnnxWriter {
    public static final long IR_VERSION = 8;
    private static final String PRODUCER = "eqvae4j";

    private OnnxWriter() {}

    public static byte[] toBytes(Graph graph) {
        return toModel(graph, Map.of()).toByteArray();
    }

    /** Writes atomically: a temp file in the target folder, then a rename. */
    public static void write(Graph graph, Path file) throws IOException {
        write(graph, Map.of(), file);
    }

    public static void write(Graph graph, Map<String, String> metadata, Path file) throws IOException {
        AtomicFiles.write(file, out -> toModel(graph, metadata).writeTo(out));
    }

    public static Onnx.ModelProto toModel(Graph graph, Map<String, String> metadata) {
        Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(version())
                .setGraph(toGraphProto(graph));
        graph.opsetImports()
                .forEach((domain, version) -> m.addOpsetImport(
                        Onnx.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        metadata.forEach((k, v) -> m.addMetadataProps(
                Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    static Onnx.GraphProto toGraphProto(Graph graph) {
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(graph.name());
        for (Value v : graph.inputs()) {
            g.addInput(valueInfo(v));
        }
        for (Value v : graph.outputs()) {
            g.addOutput(valueInfo(v));
        }
        for (Tensor t : graph.initializers().values()) {
            g.addInitializer(tensor(t));
        }
        java.util.Set<String> io = new java.util.HashSet<>();
        graph.outputs().forEach(v -> io.add(v.name()));
        for (Node n : graph.nodes()) {
            g.addNode(node(n));
            for (Value v : n.outputs()) {
                if (v.shape() != null && v.dtype() != null && !io.contains(v.name())) {
                    g.addValueInfo(valueInfo(v));
                }
            }
        }
        return g.build();
    }

    static Onnx.NodeProto node(Node n) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setName(n.name()).setOpType(n.opType());
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (Value v : n.inputs()) {
            b.addInput(v == null ? "" : v.name());
        }
        for (Value v : n.outputs()) {
            b.addOutput(v.name());
        }
        n.attributes().forEach((k, a) -> b.addAttribute(attribute(k, a)));
        return b.build();
    }

    static Onnx.AttributeProto attribute(String name, Attribute a) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name);
        switch (a.kind()) {
            case FLOAT -> b.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(a.asFloat());
            case INT -> b.setType(Onnx.AttributeProto.AttributeType.INT).setI(a.asLong());
            case STRING ->
                b.setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(a.asString()));
            case FLOATS -> {
                b.setType(Onnx.AttributeProto.AttributeType.FLOATS);
                for (float f : a.asFloats()) {
                    b.addFloats(f);
                }
            }
            case INTS -> {
                b.setType(Onnx.AttributeProto.AttributeType.INTS);
                for (long l : a.asLongs()) {
                    b.addInts(l);
                }
            }
            case STRINGS -> {
                b.setType(Onnx.AttributeProto.AttributeType.STRINGS);
                for (Object s : (List<?>) a.value()) {
                    b.addStrings(ByteString.copyFromUtf8((String) s));
                }
            }
            case TENSOR -> b.setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(tensor(a.asTensor()));
            case GRAPH -> b.setType(Onnx.AttributeProto.AttributeType.GRAPH).setG(toGraphProto(a.asGraph()));
        }
        return b.build();
    }

    static Onnx.TensorProto tensor(Tensor t) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder()
                .setName(t.name())
                .setDataType(t.dtype().onnxCode())
                .setRawData(ByteString.copyFrom(t.rawData()));
        for (long d : t.dims()) {
            b.addDims(d);
        }
        return b.build();
    }

    static Onnx.ValueInfoProto valueInfo(Value v) {
        Onnx.TypeProto.Tensor.Builder tt =
                Onnx.TypeProto.Tensor.newBuilder().setElemType(v.dtype().onnxCode());
        if (v.shape() != null) {
            Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
            for (Shape.Dim d : v.shape().dims()) {
                Onnx.TensorShapeProto.Dimension.Builder db = Onnx.TensorShapeProto.Dimension.newBuilder();
                if (d.isStatic()) {
                    db.setDimValue(d.size());
                } else if (d.symbol() != null) {
                    db.setDimParam(d.symbol());
                }
                s.addDim(db);
            }
            tt.setShape(s);
        }
        return Onnx.ValueInfoProto.newBuilder()
                .setName(v.name())
                .setType(Onnx.TypeProto.newBuilder().setTensorType(tt))
                .build();
    }

    private static String version() {
        String v = OnnxWriter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
