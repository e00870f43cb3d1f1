package org.eqvae4j.export.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.export.testing.ProjectFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRoundTripTest {

    /** y = relu(conv(x, w) + b) * 2, with a symbolic batch and spatial size. */
    private static Graph smallConvNet() {
        GraphBuilder b = new GraphBuilder("small");
        Value x = b.input("x", DType.FLOAT, Shape.symbolic("n", 2, "h", "w"));
        float[] w = new float[3 * 2 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) * 0.1f;
        }
        Value weight = b.parameter("conv.weight", Tensor.ofFloats("w", new long[] {3, 2, 3, 3}, w));
        Value bias = b.parameter("conv.bias", Tensor.ofFloats("b", new long[] {3}, 0.1f, -0.2f, 0.3f));
        Value y;
        try (var s = b.scope("block")) {
            y = b.mul(b.relu(b.conv(x, weight, bias, new long[] {1, 1}, new long[] {1, 1, 1, 1}, 1)), b.scalar(2f));
        }
        b.output(y, "y");
        return b.build();
    }

    @Test
    void builderTracksNamesShapesAndParameters() {
        Graph g = smallConvNet();
        assertEquals(List.of("x"), g.inputs().stream().map(Value::name).toList());
        assertEquals("y", g.outputs().get(0).name());
        assertEquals(3 * 2 * 9 + 3, g.parameterCount(), "the scalar constant is not a parameter");
        Node conv = g.nodes().stream()
                .filter(n -> n.opType().equals("Conv"))
                .findFirst()
                .orElseThrow();
        assertEquals("block/Conv", conv.name());
        assertEquals(
                Shape.symbolic("n", 3, null, null).rank(),
                conv.output(0).shape().rank());
        assertEquals(3, conv.output(0).shape().size(1));
        assertEquals("n", conv.output(0).shape().dim(0).symbol());
    }

    @Test
    void writtenModelRunsInOnnxRuntimeAndReadsBackEqual(@TempDir Path dir) throws Exception {
        Graph g = smallConvNet();
        Path file = dir.resolve("small.onnx");
        OnnxWriter.write(g, Map.of("purpose", "test"), file);
        Graph back = OnnxReader.read(file);
        assertEquals(g.nodes().size(), back.nodes().size());
        assertEquals(g.initializers().keySet(), back.initializers().keySet());
        for (int i = 0; i < g.nodes().size(); i++) {
            Node a = g.nodes().get(i);
            Node c = back.nodes().get(i);
            assertEquals(a.name(), c.name());
            assertEquals(a.opType(), c.opType());
            assertEquals(a.attributes().keySet(), c.attributes().keySet());
            assertEquals(
                    a.inputs().stream().map(v -> v == null ? "" : v.name()).toList(),
                    c.inputs().stream().map(v -> v == null ? "" : v.name()).toList());
        }
        assertArrayEquals(
                g.initializers().get("conv.weight").toFloats(),
                back.initializers().get("conv.weight").toFloats());
        assertEquals("test", OnnxReader.metadata(file).get("purpose"));
        assertEquals(Shape.symbolic("n", 2, "h", "w"), back.inputs().get(0).shape());

        float[] x = new float[2 * 2 * 4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        Tensor in = Tensor.ofFloats("x", new long[] {2, 2, 4, 5}, x);
        Tensor y1 = OrtRunner.run(g, in).get("y");
        Tensor y2 = OrtRunner.run(back, in).get("y");
        assertArrayEquals(new long[] {2, 3, 4, 5}, y1.dims());
        assertArrayEquals(y1.toFloats(), y2.toFloats());
        assertEquals(expectedFirstOutput(x, g.initializers().get("conv.weight").toFloats()), y1.toFloats()[0], 1e-5);
    }

    /** Output (n=0, c=0, y=0, x=0) by hand: 3x3 conv with zero padding, bias, relu, times 2. */
    private static double expectedFirstOutput(float[] x, float[] w) {
        double acc = 0.1;
        for (int ci = 0; ci < 2; ci++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int yy = ky - 1;
                    int xx = kx - 1;
                    if (yy >= 0 && xx >= 0) {
                        acc += w[(ci * 3 + ky) * 3 + kx] * x[(ci * 4 + yy) * 5 + xx];
                    }
                }
            }
        }
        return 2 * Math.max(0, acc);
    }

    @Test
    void shippedEncoderReadsBackAndRewritesToTheSameComputation(@TempDir Path dir) throws Exception {
        Graph enc = OnnxReader.read(ProjectFiles.taef2Bundle().resolve("encoder.onnx"));
        assertEquals("image", enc.inputs().get(0).name());
        assertEquals(1_338_528, enc.parameterCount(), "parameters recognised in a read-back graph");
        float[] x = new float[3 * 16 * 16];
        Arrays.fill(x, 0.5f);
        Tensor in = Tensor.ofFloats("image", new long[] {1, 3, 16, 16}, x);
        Path again = dir.resolve("again.onnx");
        OnnxWriter.write(enc, again);
        assertArrayEquals(
                OrtRunner.run(enc, in).get("latent").toFloats(),
                OrtRunner.run(OnnxReader.read(again), in).get("latent").toFloats());
    }

    @Test
    void corruptModelFilesGiveClearErrors(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {(byte) 0xff, 0x13, 0x37, 0x00, 0x42});
        IOException e = assertThrows(IOException.class, () -> OnnxReader.read(garbage));
        assertTrue(e.getMessage().contains("garbage.onnx"), e.getMessage());

        Path truncated = dir.resolve("truncated.onnx");
        byte[] full = Files.readAllBytes(ProjectFiles.taef2Bundle().resolve("decoder.onnx"));
        Files.write(truncated, Arrays.copyOf(full, full.length / 2));
        e = assertThrows(IOException.class, () -> OnnxReader.read(truncated));
        assertTrue(e.getMessage().contains("truncated.onnx"), e.getMessage());

        IOException missing = assertThrows(IOException.class, () -> OnnxReader.read(dir.resolve("nope.onnx")));
        assertTrue(missing.getMessage().contains("nope.onnx"), missing.getMessage());
    }

    @Test
    void duplicateValueNamesAreRejected() {
        GraphBuilder b = new GraphBuilder("dup");
        b.input("x", DType.FLOAT, Shape.of(1));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> b.input("x", DType.FLOAT, Shape.of(1)));
        assertTrue(e.getMessage().contains("'x'"));
    }
}
