package org.eqvae4j.export.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;

/** stopGradient: an Identity at run time, a constant for autodiff, also after an ONNX round trip. */
class StopGradientTest {
    private static final float[] X = {0.5f, -1.5f, 2f, 3f};

    /** loss = sum(x * sg(x) + 3 sg(x)): d loss / dx = sg(x) = x (not 2x + 3). */
    private static Graph forward() {
        GraphBuilder b = new GraphBuilder("sg");
        Value x = b.input("x", DType.FLOAT, Shape.of(4));
        Value s;
        try (var scope = b.scope("block")) {
            s = b.stopGradient(x);
        }
        Value y = b.add(b.mul(x, s), b.mul(s, b.scalar(3f)));
        b.output(b.reduceSum(y, false, 0), "loss");
        return b.build();
    }

    @Test
    void gradientTreatsTheBarrierAsConstant() throws Exception {
        Graph f = forward();
        Map<String, Tensor> out = OrtRunner.run(Autodiff.standard().gradients(f, "loss", List.of("x")), Tensor.ofFloats("x", new long[] {4}, X));
        assertArrayEquals(X, out.get("x_grad").toFloats(), 1e-6f);
        // the forward value is unchanged: sum(x^2 + 3x)
        double expected = 0;
        for (float v : X) {
            expected += v * v + 3 * v;
        }
        assertEquals(expected, out.get("loss").toFloats()[0], 1e-4);
    }

    @Test
    void barrierSurvivesWritingAndReading() throws Exception {
        Graph read = OnnxReader.read(OnnxWriter.toBytes(forward()), null, "sg.onnx");
        assertTrue(read.nodes().stream().anyMatch(GraphBuilder::isStopGradient), "the barrier node is still recognised");
        Map<String, Tensor> out = OrtRunner.run(Autodiff.standard().gradients(read, "loss", List.of("x")), Tensor.ofFloats("x", new long[] {4}, X));
        assertArrayEquals(X, out.get("x_grad").toFloats(), 1e-6f);
    }

    @Test
    void straightThroughPassesTheGradientUnchanged() throws Exception {
        // y = x + sg(round(x) - x): forward round(x), backward identity
        GraphBuilder b = new GraphBuilder("st");
        Value x = b.input("x", DType.FLOAT, Shape.of(4));
        Value y = b.add(x, b.stopGradient(b.sub(b.op("Round", x), x)));
        Value w = b.constant(Tensor.ofFloats("w", new long[] {4}, 1f, 2f, 3f, 4f));
        b.output(b.reduceSum(b.mul(y, w), false, 0), "loss");
        b.output(y, "y");
        Map<String, Tensor> out = OrtRunner.run(Autodiff.standard().gradients(b.build(), "loss", List.of("x")),
                Tensor.ofFloats("x", new long[] {4}, 0.4f, 1.6f, -2.2f, 2.9f));
        assertArrayEquals(new float[] {0f, 2f, -2f, 3f}, out.get("y").toFloats(), 1e-6f);
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, out.get("x_grad").toFloats(), 1e-6f);
    }

    @Test
    void anIdentityNamedOtherwiseIsNoBarrier() {
        GraphBuilder b = new GraphBuilder("id");
        Value x = b.input("x", DType.FLOAT, Shape.of(1));
        b.op("Identity", x);
        assertTrue(b.nodes().stream().noneMatch(GraphBuilder::isStopGradient));
    }
}
