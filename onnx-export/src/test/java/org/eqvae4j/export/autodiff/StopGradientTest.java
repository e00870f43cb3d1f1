package org.eqvae4j.export.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop-gradient marks (PyTorch's detach) and gradients built inside a forward graph. */
class StopGradientTest {
    private static final float[] X = {0.5f, -1.5f, 2f, 0.25f};

    /** loss = sum(x * stop(x)) + sum(x): d loss / dx = stop(x) + 1 = x + 1, not 2x + 1. */
    private static Graph detachedSquare() {
        GraphBuilder b = new GraphBuilder("detach");
        Value x = b.input("x", DType.FLOAT, Shape.of(4));
        Value loss = b.add(b.reduceSum(b.mul(x, b.stopGradient(x)), false, 0), b.reduceSum(x, false, 0));
        b.output(loss, "loss");
        return b.build();
    }

    @Test
    void gradientDoesNotFlowThroughAStopGradientMark() throws Exception {
        Graph g = Autodiff.standard().gradients(detachedSquare(), "loss", List.of("x"));
        Map<String, Tensor> out = OrtRunner.run(g, Tensor.ofFloats("x", new long[] {4}, X));
        float[] expected = new float[X.length];
        float loss = 0;
        for (int i = 0; i < X.length; i++) {
            expected[i] = X[i] + 1;
            loss += X[i] * X[i] + X[i];
        }
        assertArrayEquals(expected, out.get("x_grad").toFloats(), 1e-6f);
        assertEquals(loss, out.get("loss").toFloats()[0], 1e-5f, "the mark is an identity in the forward pass");
    }

    @Test
    void theMarkSurvivesWritingAndReadingTheModel(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("detach.onnx");
        OnnxWriter.write(detachedSquare(), file);
        Graph read = OnnxReader.read(file);
        assertEquals(
                1, read.nodes().stream().filter(GraphBuilder::isStopGradient).count());
        Map<String, Tensor> out = OrtRunner.run(
                Autodiff.standard().gradients(read, "loss", List.of("x")), Tensor.ofFloats("x", new long[] {4}, X));
        assertEquals(X[1] + 1, out.get("x_grad").toFloats()[1], 1e-6f);
    }

    @Test
    void onlyMarkedIdentitiesStopGradients() {
        Node plain = new Node("a/Identity", "Identity", "", List.of(), List.of(), Map.of());
        Node marked = new Node("a/StopGradient_3", "Identity", "", List.of(), List.of(), Map.of());
        Node lookalike = new Node("a/StopGradientx", "Identity", "", List.of(), List.of(), Map.of());
        Node otherOp = new Node("a/StopGradient", "Relu", "", List.of(), List.of(), Map.of());
        assertFalse(GraphBuilder.isStopGradient(plain));
        assertTrue(GraphBuilder.isStopGradient(marked));
        assertFalse(GraphBuilder.isStopGradient(lookalike));
        assertFalse(GraphBuilder.isStopGradient(otherOp));
    }

    /**
     * A gradient built inside the forward graph is an ordinary value: here g = d(sum(w * x)^2)/dw =
     * 2 sum(w x) x, whose norm is an output; a loss that uses it behind a stop-gradient mark is then
     * differentiated as if the norm were a constant.
     */
    @Test
    void gradientsInsideTheForwardGraphAreValuesAndConstantsBehindAMark() throws Exception {
        GraphBuilder b = new GraphBuilder("inner");
        Value x = b.input("x", DType.FLOAT, Shape.of(4));
        Value w = b.input("w", DType.FLOAT, Shape.of(4));
        Value s = b.reduceSum(b.mul(w, x), false, 0);
        Value inner = b.mul(s, s);
        Value g = Autodiff.standard().gradientsIn(b, inner, List.of(w)).get(0);
        Value norm = b.sqrt(b.reduceSum(b.mul(g, g), false, 0));
        Value loss = b.mul(b.stopGradient(norm), s);
        b.output(loss, "loss");
        b.output(norm, "norm");
        Graph withGrads = Autodiff.standard().gradients(b.build(), "loss", List.of("w"));
        float[] wv = {0.3f, -0.2f, 0.7f, 1.1f};
        Map<String, Tensor> out = OrtRunner.run(
                withGrads, Tensor.ofFloats("x", new long[] {4}, X), Tensor.ofFloats("w", new long[] {4}, wv));
        double sum = 0;
        double xn = 0;
        for (int i = 0; i < 4; i++) {
            sum += wv[i] * X[i];
            xn += X[i] * X[i];
        }
        double expectedNorm = 2 * Math.abs(sum) * Math.sqrt(xn);
        assertEquals(expectedNorm, out.get("norm").toFloats()[0], 1e-4);
        float[] grad = out.get("w_grad").toFloats();
        for (int i = 0; i < 4; i++) {
            assertEquals(expectedNorm * X[i], grad[i], 1e-4, "d loss / d w_" + i + " with the norm held constant");
        }
    }
}
