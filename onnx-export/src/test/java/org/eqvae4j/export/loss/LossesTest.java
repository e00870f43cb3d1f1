package org.eqvae4j.export.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;

class LossesTest {
    private static final float[] X = {0.5f, -1f, 2f, 1.5f, 0f, -0.5f};
    private static final float[] W = {0.1f, 0.2f, 0.3f, -0.4f, 0.5f, -0.6f, 0.7f, 0.8f, -0.9f};

    /** logits = x [2,3] @ W [3,3]. */
    private static Graph model() {
        GraphBuilder b = new GraphBuilder("tiny");
        Value x = b.input("x", DType.FLOAT, Shape.symbolic(2, 3));
        Value w = b.parameter("w", Tensor.ofFloats("w", new long[] {3, 3}, W));
        b.output(b.matmul(x, w), "logits");
        return b.build();
    }

    private static double[][] logits() {
        double[][] y = new double[2][3];
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    y[n][j] += X[n * 3 + k] * W[k * 3 + j];
                }
            }
        }
        return y;
    }

    private static float loss(Graph g, OnnxTensor target) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(OnnxWriter.toBytes(g), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(X), new long[] {2, 3});
                OrtSession.Result r = s.run(Map.of("x", x, "target", target))) {
            return ((OnnxTensor) r.get("loss").orElseThrow()).getFloatBuffer().get(0);
        }
    }

    @Test
    void mseAndL1MatchHandComputation() throws Exception {
        float[] t = {0f, 1f, -1f, 0.5f, 0.5f, 0.5f};
        double[][] y = logits();
        double mse = 0;
        double l1 = 0;
        for (int i = 0; i < 6; i++) {
            double d = y[i / 3][i % 3] - t[i];
            mse += d * d / 6;
            l1 += Math.abs(d) / 6;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor target = OnnxTensor.createTensor(env, FloatBuffer.wrap(t), new long[] {2, 3})) {
            assertEquals(mse, loss(Losses.attach(model(), "logits", LossKind.MSE), target), 1e-6);
            assertEquals(l1, loss(Losses.attach(model(), "logits", LossKind.L1), target), 1e-6);
        }
    }

    @Test
    void crossEntropyMatchesHandComputationAndDifferentiates() throws Exception {
        long[] labels = {2, 0};
        double[][] y = logits();
        double ce = 0;
        for (int n = 0; n < 2; n++) {
            double z = 0;
            for (double v : y[n]) {
                z += Math.exp(v);
            }
            ce -= (y[n][(int) labels[n]] - Math.log(z)) / 2;
        }
        Graph g = Losses.attach(model(), "logits", LossKind.CROSS_ENTROPY);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor target = OnnxTensor.createTensor(env, LongBuffer.wrap(labels), new long[] {2})) {
            assertEquals(ce, loss(g, target), 1e-6);
            // d CE / d logits = (softmax - onehot) / N, so dW = x^T (softmax - onehot) / N
            Graph withGrad = Autodiff.standard().gradients(g, Losses.LOSS, List.of("w"));
            try (OrtSession s = env.createSession(OnnxWriter.toBytes(withGrad), new OrtSession.SessionOptions());
                    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(X), new long[] {2, 3});
                    OrtSession.Result r = s.run(Map.of("x", x, "target", target))) {
                FloatBuffer dw = ((OnnxTensor) r.get("w_grad").orElseThrow()).getFloatBuffer();
                for (int k = 0; k < 3; k++) {
                    for (int j = 0; j < 3; j++) {
                        double expected = 0;
                        for (int n = 0; n < 2; n++) {
                            double z = 0;
                            for (double v : y[n]) {
                                z += Math.exp(v);
                            }
                            double p = Math.exp(y[n][j]) / z - (labels[n] == j ? 1 : 0);
                            expected += X[n * 3 + k] * p / 2;
                        }
                        assertEquals(expected, dw.get(k * 3 + j), 1e-6, "dW[" + k + "][" + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void badRequestsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LossKind.parse("hinge"))
                .getMessage()
                .contains("'hinge'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Losses.attach(model(), "nope", LossKind.MSE))
                .getMessage()
                .contains("'nope'"));
    }
}
