package org.eqvae4j.training;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * Two small models with hand-written gradient graphs in the form reverse-mode autodiff will produce
 * (same inputs as the forward graph, parameters as initializers, loss first, one {@code <P>_grad} output
 * per trainable parameter), using only standard ONNX ops. {@link TestModelsGradientTest} checks the
 * gradients against finite differences.
 */
final class TestModels {
    private TestModels() {}

    /** A gradient graph and the matching eval graph. */
    record Model(Graph gradient, Graph eval, List<String> trainable) {}

    // ---------------------------------------------------------------- linear model

    static final int LINEAR_IN = 3;
    static final int LINEAR_OUT = 2;

    /**
     * y = (x W + b) * s with a frozen per-output scale s, loss = mean((y - t)^2) over all N*K elements.
     * With r = y - t and g = 2 r / (N K) * s: dW = x^T g, db = sum over the batch of g.
     */
    static Model linear(long seed) {
        Random random = new Random(seed);
        Tensor w = Tensor.ofFloats(
                "W", new long[] {LINEAR_IN, LINEAR_OUT}, gaussian(random, LINEAR_IN * LINEAR_OUT, 0.5f));
        Tensor b = Tensor.ofFloats("b", new long[] {LINEAR_OUT}, 0f, 0f);
        Tensor s = Tensor.ofFloats("s", new long[] {LINEAR_OUT}, 1f, 0.5f);
        return new Model(linearGraph(w, b, s, true), linearGraph(w, b, s, false), List.of("W", "b"));
    }

    private static Graph linearGraph(Tensor wValue, Tensor bValue, Tensor sValue, boolean withGradients) {
        GraphBuilder g = new GraphBuilder(withGradients ? "linear_grad" : "linear_eval");
        Value x = g.input("x", DType.FLOAT, Shape.symbolic("n", LINEAR_IN));
        Value t = g.input("t", DType.FLOAT, Shape.symbolic("n", LINEAR_OUT));
        Value w = g.parameter("W", wValue);
        Value b = g.parameter("b", bValue);
        Value s = g.parameter("s", sValue);
        Value y = g.mul(g.add(g.matmul(x, w), b), s);
        Value r = g.sub(y, t);
        g.output(g.reduceMean(g.mul(r, r), false, 0, 1), "loss");
        if (withGradients) {
            Value count = g.op("Cast", List.of(g.op("Size", r)), Map.of("to", DType.FLOAT.onnxCode()));
            Value dy = g.div(g.mul(g.scalar(2f), r), count);
            Value dz = g.mul(dy, s);
            g.output(g.matmul(g.transpose(x, 1, 0), dz), "W_grad");
            g.output(g.reduceSum(dz, false, 0), "b_grad");
        } else {
            g.output(y, "y");
        }
        return g.build();
    }

    static Tensor linearInput(String name, int n, long seed) {
        return Tensor.ofFloats(name, new long[] {n, LINEAR_IN}, gaussian(new Random(seed), n * LINEAR_IN, 1f));
    }

    /** Targets of a fixed linear map of x, which the model can fit exactly. */
    static Tensor linearTarget(Tensor x) {
        float[] in = x.toFloats();
        int n = in.length / LINEAR_IN;
        float[][] truth = {{1f, -2f}, {0.5f, 1f}, {-1f, 0.25f}};
        float[] out = new float[n * LINEAR_OUT];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < LINEAR_OUT; k++) {
                float sum = k == 0 ? 0.3f : -0.2f;
                for (int d = 0; d < LINEAR_IN; d++) {
                    sum += in[i * LINEAR_IN + d] * truth[d][k];
                }
                out[i * LINEAR_OUT + k] = sum;
            }
        }
        return Tensor.ofFloats("t", new long[] {n, LINEAR_OUT}, out);
    }

    // ---------------------------------------------------------------- tiny conv net

    static final int CONV_CHANNELS = 4;
    static final int CONV_SIZE = 8;

    /**
     * y = conv2(relu(conv1(x))) (3x3, padding 1, 1 -> 4 -> 1 channels), loss = mean((y - t)^2). Gradients
     * in the verified standard-op forms: for a conv with input X and output gradient dY, the weight
     * gradient is Transpose(Conv(Transpose(X), Transpose(dY))) with the conv's padding, the bias gradient
     * sums dY over N, H, W, the input gradient is ConvTranspose(dY, W) with the same padding, and relu's
     * gradient is dY * Cast(pre-activation > 0).
     */
    static Model convNet(long seed) {
        Random random = new Random(seed);
        Tensor w1 = Tensor.ofFloats(
                "conv1.weight", new long[] {CONV_CHANNELS, 1, 3, 3}, gaussian(random, CONV_CHANNELS * 9, 0.3f));
        Tensor b1 = Tensor.ofFloats("conv1.bias", new long[] {CONV_CHANNELS}, gaussian(random, CONV_CHANNELS, 0.1f));
        Tensor w2 = Tensor.ofFloats(
                "conv2.weight", new long[] {1, CONV_CHANNELS, 3, 3}, gaussian(random, CONV_CHANNELS * 9, 0.3f));
        Tensor b2 = Tensor.ofFloats("conv2.bias", new long[] {1}, 0f);
        return new Model(
                convGraph(w1, b1, w2, b2, true),
                convGraph(w1, b1, w2, b2, false),
                List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"));
    }

    private static Graph convGraph(Tensor w1v, Tensor b1v, Tensor w2v, Tensor b2v, boolean withGradients) {
        GraphBuilder g = new GraphBuilder(withGradients ? "conv_grad" : "conv_eval");
        Value x = g.input("x", DType.FLOAT, Shape.symbolic("n", 1, CONV_SIZE, CONV_SIZE));
        Value t = g.input("t", DType.FLOAT, Shape.symbolic("n", 1, CONV_SIZE, CONV_SIZE));
        Value w1 = g.parameter("conv1.weight", w1v);
        Value b1 = g.parameter("conv1.bias", b1v);
        Value w2 = g.parameter("conv2.weight", w2v);
        Value b2 = g.parameter("conv2.bias", b2v);
        long[] same = {1, 1, 1, 1};
        long[] unit = {1, 1};
        Value pre1 = g.conv(x, w1, b1, unit, same, 1);
        Value h = g.relu(pre1);
        Value y = g.conv(h, w2, b2, unit, same, 1);
        Value r = g.sub(y, t);
        g.output(g.reduceMean(g.mul(r, r), false, 0, 1, 2, 3), "loss");
        if (!withGradients) {
            g.output(y, "y");
            return g.build();
        }
        Value count = g.op("Cast", List.of(g.op("Size", r)), Map.of("to", DType.FLOAT.onnxCode()));
        Value dy = g.div(g.mul(g.scalar(2f), r), count);
        g.output(weightGradient(g, h, dy), "conv2.weight_grad");
        g.output(g.reduceSum(dy, false, 0, 2, 3), "conv2.bias_grad");
        Value dh = g.op("ConvTranspose", List.of(dy, w2), Map.of("pads", same, "strides", unit));
        Value positive =
                g.op("Cast", List.of(g.op("Greater", pre1, g.scalar(0f))), Map.of("to", DType.FLOAT.onnxCode()));
        Value dpre1 = g.mul(dh, positive);
        g.output(weightGradient(g, x, dpre1), "conv1.weight_grad");
        g.output(g.reduceSum(dpre1, false, 0, 2, 3), "conv1.bias_grad");
        return g.build();
    }

    /** dW = Transpose(Conv(Transpose(X), Transpose(dY))) for a 3x3 conv with stride 1 and padding 1. */
    private static Value weightGradient(GraphBuilder g, Value input, Value outputGradient) {
        Value conv = g.op(
                "Conv",
                List.of(g.transpose(input, 1, 0, 2, 3), g.transpose(outputGradient, 1, 0, 2, 3)),
                Map.of("pads", new long[] {1, 1, 1, 1}));
        return g.transpose(conv, 1, 0, 2, 3);
    }

    static Tensor convInput(String name, int n, long seed) {
        return Tensor.ofFloats(
                name, new long[] {n, 1, CONV_SIZE, CONV_SIZE}, uniform(new Random(seed), n * CONV_SIZE * CONV_SIZE));
    }

    /** The target: the input blurred horizontally, something two 3x3 convs can learn. */
    static Tensor convTarget(Tensor x) {
        float[] in = x.toFloats();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            int col = i % CONV_SIZE;
            float left = col > 0 ? in[i - 1] : 0f;
            float right = col < CONV_SIZE - 1 ? in[i + 1] : 0f;
            out[i] = 0.25f * left + 0.5f * in[i] + 0.25f * right;
        }
        return Tensor.ofFloats("t", x.dims(), out);
    }

    // ---------------------------------------------------------------- data

    static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    static float[] uniform(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat();
        }
        return v;
    }

    /** Rows [from, to) of a tensor's first axis, under the same name. */
    static Tensor rows(Tensor t, int from, int to) {
        long[] dims = t.dims();
        int row = Math.toIntExact(t.numElements() / dims[0]);
        float[] all = t.toFloats();
        dims[0] = to - from;
        return Tensor.ofFloats(t.name(), dims, java.util.Arrays.copyOfRange(all, from * row, to * row));
    }
}
