package org.eqvae4j.export.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;

/** Shape arithmetic as torch.onnx writes it, folded to constants; the folded graph computes the same. */
class ConstantFoldingTest {

    /** y = Reshape(x, [N, -1]) with N taken from Shape(x), F.pad-style reversed pads, and a Constant node. */
    private static Graph torchStyle(Shape inputShape) {
        GraphBuilder b = new GraphBuilder("torch_style");
        Value x = b.input("x", DType.FLOAT, inputShape);
        Value n = b.op(
                "Gather",
                List.of(b.op("Shape", x), b.constant(Tensor.ofLongs("zero", new long[0], 0))),
                Map.of("axis", 0));
        Value target = b.concat(0, b.unsqueeze(n, 0), b.longs(-1));
        Value flat = b.op("Reshape", x, target);
        // pads [0, 1, 0, 1] for the last two axes, as F.pad writes them: reversed pairs, transposed, flattened
        Value pairs = b.op("Reshape", b.concat(0, b.longs(0, 1, 0, 1), b.longs(0, 0, 0, 0)), b.longs(-1, 2));
        Value reversed = b.op("Slice", pairs, b.longs(-1), b.longs(Long.MIN_VALUE), b.longs(0), b.longs(-1));
        Value pads = b.op(
                "Cast",
                List.of(b.op("Reshape", b.transpose(reversed, 1, 0), b.longs(-1))),
                Map.of("to", DType.INT64.onnxCode()));
        Value padded = b.op("Pad", x, pads);
        Value half = b.op("Constant", List.of(), Map.of("value", Tensor.scalar("half", 0.5f)));
        b.output(b.mul(flat, half), "flat");
        b.output(padded, "padded");
        return b.build();
    }

    @Test
    void shapeArithmeticOfAStaticInputBecomesConstants() throws Exception {
        Graph g = ConstantFolding.fold(torchStyle(Shape.of(2, 3, 4, 4)));
        List<String> ops = g.nodes().stream()
                .map(Node::opType)
                .filter(op -> !op.equals("Identity"))
                .toList();
        assertEquals(
                List.of("Reshape", "Pad", "Mul"),
                ops,
                "only the float computation is left (and the outputs' Identity nodes)");
        Node reshape = g.nodes().get(0);
        assertArrayEquals(
                new long[] {2, -1},
                g.initializers().get(reshape.input(1).name()).toLongs());
        assertEquals(Shape.of(2, 48), reshape.output(0).shape());
        Node pad = g.nodes().get(1);
        assertArrayEquals(
                new long[] {0, 0, 0, 0, 0, 0, 1, 1},
                g.initializers().get(pad.input(1).name()).toLongs());
        assertEquals(Shape.of(2, 3, 5, 5), pad.output(0).shape());
        assertTrue(
                g.initializers().keySet().stream().noneMatch(k -> k.contains("Shape") || k.contains("Gather")),
                "intermediate folded values are dropped: " + g.initializers().keySet());

        float[] data = new float[96];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.25f - 3;
        }
        Tensor x = Tensor.ofFloats("x", new long[] {2, 3, 4, 4}, data);
        Map<String, Tensor> before = OrtRunner.run(torchStyle(Shape.of(2, 3, 4, 4)), x);
        Map<String, Tensor> after = OrtRunner.run(g, x);
        for (String out : List.of("flat", "padded")) {
            assertArrayEquals(before.get(out).dims(), after.get(out).dims(), out);
            assertArrayEquals(before.get(out).toFloats(), after.get(out).toFloats(), out);
        }
    }

    @Test
    void symbolicShapesStayComputedButTyped() {
        Graph g = ConstantFolding.fold(torchStyle(Shape.symbolic("n", 3, 4, 4)));
        Node shape = g.nodes().stream()
                .filter(n -> n.opType().equals("Shape"))
                .findFirst()
                .orElseThrow();
        assertEquals(DType.INT64, shape.output(0).dtype());
        assertTrue(g.nodes().stream().noneMatch(n -> n.opType().equals("Constant")), "Constant nodes always fold");
    }

    @Test
    void elementTypesOfAModelReadWithoutValueInfoAreInferred(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Graph g = torchStyle(Shape.symbolic("n", 3, 4, 4));
        // strip every intermediate value's type, as a file without value_info has none
        List<Node> bare = g.nodes().stream()
                .map(n -> new Node(
                        n.name(),
                        n.opType(),
                        n.domain(),
                        n.inputs(),
                        n.outputs().stream()
                                .map(o -> new Value(o.name(), o.dtype(), null))
                                .toList(),
                        n.attributes()))
                .toList();
        java.nio.file.Path file = dir.resolve("bare.onnx");
        OnnxWriter.write(
                new Graph(
                        g.name(),
                        g.inputs(),
                        g.outputs(),
                        g.initializers(),
                        bare,
                        g.opsetImports(),
                        g.parameterNames()),
                file);
        Graph read = OnnxReader.read(file);
        Node shapeNode = read.nodes().stream()
                .filter(n -> n.opType().equals("Shape"))
                .findFirst()
                .orElseThrow();
        assertNull(shapeNode.output(0).dtype(), "a file without value_info does not say");
        Graph typed = ConstantFolding.fold(read);
        Node gather = typed.nodes().stream()
                .filter(n -> n.opType().equals("Gather"))
                .findFirst()
                .orElseThrow();
        assertEquals(DType.INT64, gather.output(0).dtype());
        Node concat = typed.nodes().stream()
                .filter(n -> n.opType().equals("Concat"))
                .findFirst()
                .orElseThrow();
        assertEquals(DType.INT64, concat.output(0).dtype());
        assertEquals(
                DType.FLOAT,
                typed.nodes().stream()
                        .filter(n -> n.opType().equals("Mul"))
                        .findFirst()
                        .orElseThrow()
                        .output(0)
                        .dtype());
    }

    @Test
    void constantOpsFollowOnnxSemantics() {
        Node slice = new Node("s", "Slice", "", List.of(), List.of(new Value("y", null, null)), Map.of());
        Tensor data = Tensor.ofLongs("d", new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor sliced = ConstantOps.apply(
                slice,
                Arrays.asList(
                        data,
                        Tensor.vector("s", 0, 2),
                        Tensor.vector("e", 2, Long.MIN_VALUE),
                        Tensor.vector("a", 0, 1),
                        Tensor.vector("st", 1, -2)));
        assertArrayEquals(new long[] {2, 2}, sliced.dims());
        assertArrayEquals(new long[] {3, 1, 6, 4}, sliced.toLongs());
        Node div = new Node("d", "Div", "", List.of(), List.of(new Value("y", null, null)), Map.of());
        assertArrayEquals(
                new long[] {-3, 2},
                ConstantOps.apply(div, List.of(Tensor.vector("a", -7, 7), Tensor.vector("b", 2, 3)))
                        .toLongs(),
                "integer division truncates");
        Node gather = new Node(
                "g", "Gather", "", List.of(), List.of(new Value("y", null, null)), Map.of("axis", Attribute.of(1L)));
        assertArrayEquals(
                new long[] {3, 6},
                ConstantOps.apply(gather, List.of(data, Tensor.ofLongs("i", new long[0], -1)))
                        .toLongs());
        Node unknown = new Node("c", "Cos", "", List.of(), List.of(new Value("y", null, null)), Map.of());
        assertNull(ConstantOps.apply(unknown, List.of(Tensor.scalar("x", 1f))));
    }
}
