package org.eqvae4j.export.arch;

import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Value;

/**
 * The PyTorch layers the architectures are made of, as sub-graphs whose parameters carry the
 * module's state-dict names ({@code <name>.weight}, {@code <name>.bias}). Each method opens a naming
 * scope so node names read like the module path.
 */
public final class Layers {
    private final GraphBuilder b;
    private final Weights w;
    private final String paramPrefix;

    public Layers(GraphBuilder builder, Weights weights) {
        this(builder, weights, "");
    }

    /**
     * @param paramPrefix prepended to parameter names in the graph (e.g. "encoder." when encoder and
     *                    decoder share one training graph); weight lookup is the {@code weights}' business
     */
    public Layers(GraphBuilder builder, Weights weights, String paramPrefix) {
        this.b = builder;
        this.w = weights;
        this.paramPrefix = paramPrefix;
    }

    /** A non-learnable state tensor of this layer stack (running statistics), loaded like a parameter. */
    public Value buffer(String name, Init init, long... shape) {
        return b.buffer(paramPrefix + name, w.get(name, init, 0, shape));
    }

    /** A parameter of this layer stack: looked up by its state-dict name, named with the prefix in the graph. */
    public Value param(String name, Init init, long fanIn, long... shape) {
        return b.parameter(paramPrefix + name, w.get(name, init, fanIn, shape));
    }

    public GraphBuilder builder() {
        return b;
    }

    public Weights weights() {
        return w;
    }

    /** nn.Conv2d(in, out, k, stride, padding=k/2 by default); pads are symmetric. */
    public Value conv2d(String name, Value x, long in, long out, int k, int stride, boolean bias) {
        return conv2d(name, x, in, out, k, stride, k / 2, bias);
    }

    public Value conv2d(String name, Value x, long in, long out, int k, int stride, int pad, boolean bias) {
        return conv2d(name, x, in, out, k, stride, new long[] {pad, pad, pad, pad}, bias);
    }

    /** Convolution with explicit ONNX pads [top, left, bottom, right] (e.g. LDM's right/bottom-only downsampling pad). */
    public Value conv2d(String name, Value x, long in, long out, int k, int stride, long[] pads, boolean bias) {
        return conv2d(name, x, in, out, k, stride, pads, bias, Init.FAN_IN_UNIFORM);
    }

    /**
     * Convolution whose weight is initialised by {@code weightInit} (e.g. {@link Init#NORMAL_002} for GAN
     * discriminators); the bias keeps PyTorch's default fan-in initialisation.
     */
    public Value conv2d(
            String name, Value x, long in, long out, int k, int stride, long[] pads, boolean bias, Init weightInit) {
        try (var s = b.scope(name)) {
            long fanIn = in * k * k;
            Value weight = param(name + ".weight", weightInit, fanIn, out, in, k, k);
            Value bv = bias ? param(name + ".bias", Init.FAN_IN_UNIFORM, fanIn, out) : null;
            return b.conv(x, weight, bv, new long[] {stride, stride}, pads, 1);
        }
    }

    /** nn.Linear(in, out) on the last axis: x @ W^T + b, with W stored [out, in] as PyTorch does. */
    public Value linear(String name, Value x, long in, long out, boolean bias) {
        try (var s = b.scope(name)) {
            Value weight = param(name + ".weight", Init.FAN_IN_UNIFORM, in, out, in);
            Value y = b.matmul(x, b.transpose(weight, 1, 0));
            if (bias) {
                y = b.add(y, param(name + ".bias", Init.FAN_IN_UNIFORM, in, out));
            }
            return y;
        }
    }

    /**
     * nn.GroupNorm(groups, channels, eps) on NCHW, decomposed into Reshape / ReduceMean / Sqrt so it runs
     * on every ONNX Runtime provider at opset 17 and differentiates with standard ops (ORT's CPU build
     * has no GroupNorm gradient kernel). Variance is the biased one, as PyTorch uses.
     */
    public Value groupNorm(String name, Value x, long groups, long channels, float eps, boolean affine) {
        try (var s = b.scope(name)) {
            Value normed = groupNormalize(x, groups, channels, eps);
            if (!affine) {
                return normed;
            }
            Value gamma = param(name + ".weight", Init.ONES, 0, channels);
            Value beta = param(name + ".bias", Init.ZEROS, 0, channels);
            return b.add(b.mul(normed, b.reshape(gamma, channels, 1, 1)), b.reshape(beta, channels, 1, 1));
        }
    }

    /** GroupNorm without the affine part: (x - mean) / sqrt(var + eps) per (sample, group). */
    public Value groupNormalize(Value x, long groups, long channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(
                    "GroupNorm: " + channels + " channels do not split into " + groups + " groups");
        }
        Value shape = b.op("Shape", x);
        Value grouped = b.reshape(x, 0, groups, -1);
        Value mean = b.reduceMean(grouped, true, 2);
        Value centered = b.sub(grouped, mean);
        Value var = b.reduceMean(b.mul(centered, centered), true, 2);
        Value normed = b.div(centered, b.sqrt(b.add(var, b.scalar(eps))));
        return b.op("Reshape", normed, shape);
    }

    /**
     * nn.BatchNorm2d(channels, eps) in inference form: ONNX BatchNormalization with the running
     * statistics ({@code <name>.running_mean}, {@code <name>.running_var}) as initializers. The
     * state dict's {@code <name>.num_batches_tracked} is accepted and not used. Training-time batch
     * statistics (and the running-stat update) are the training graph's concern, not this helper's.
     *
     * @param weightInit initialisation of the scale ({@link Init#ONES} in PyTorch, {@link Init#NORMAL_ONE_002}
     *                   in pix2pix/taming discriminators); the shift starts at zero
     */
    public Value batchNorm(String name, Value x, long channels, float eps, Init weightInit) {
        try (var s = b.scope(name)) {
            Value gamma = param(name + ".weight", weightInit, 0, channels);
            Value beta = param(name + ".bias", Init.ZEROS, 0, channels);
            Value mean = buffer(name + ".running_mean", Init.ZEROS, channels);
            Value var = buffer(name + ".running_var", Init.ONES, channels);
            w.ignore(name + ".num_batches_tracked");
            return b.op(
                    "BatchNormalization",
                    java.util.List.of(x, gamma, beta, mean, var),
                    java.util.Map.of("epsilon", eps));
        }
    }

    /**
     * nn.BatchNorm2d(channels, eps) in train mode: normalised by the batch's own per-channel mean and
     * biased variance over (N, H, W), then scaled and shifted; built from ReduceMean / Sub / Div / Sqrt so it
     * differentiates with the primitive rules on every provider. Running statistics are neither used nor
     * updated; a state dict's {@code running_mean}, {@code running_var} and {@code num_batches_tracked}
     * are accepted and ignored.
     */
    public Value batchNormBatchStatistics(String name, Value x, long channels, float eps, Init weightInit) {
        try (var s = b.scope(name)) {
            Value gamma = param(name + ".weight", weightInit, 0, channels);
            Value beta = param(name + ".bias", Init.ZEROS, 0, channels);
            w.ignore(name + ".running_mean");
            w.ignore(name + ".running_var");
            w.ignore(name + ".num_batches_tracked");
            Value mean = b.reduceMean(x, true, 0, 2, 3);
            Value centered = b.sub(x, mean);
            Value var = b.reduceMean(b.mul(centered, centered), true, 0, 2, 3);
            Value normed = b.div(centered, b.sqrt(b.add(var, b.scalar(eps))));
            return b.add(b.mul(normed, b.reshape(gamma, channels, 1, 1)), b.reshape(beta, channels, 1, 1));
        }
    }

    /** nn.BatchNorm2d(channels, eps) with PyTorch's default initialisation (scale 1, shift 0). */
    public Value batchNorm(String name, Value x, long channels, float eps) {
        return batchNorm(name, x, channels, eps, Init.ONES);
    }

    /**
     * Scaled dot-product attention, softmax(q k^T * scale) v, over the last two axes: q [..., Lq, d],
     * k [..., Lk, d], v [..., Lk, dv] -> [..., Lq, dv]. No parameters; callers project q, k, v themselves
     * and split heads into a leading axis. Shapes of q and k must have known rank.
     */
    public Value attention(Value q, Value k, Value v, float scale) {
        int rank = k.rank();
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        try (var s = b.scope("attention")) {
            Value scores = b.mul(b.matmul(q, b.transpose(k, perm)), b.scalar(scale));
            return b.matmul(b.softmax(scores, -1), v);
        }
    }

    /** nn.Upsample(scale_factor=2, mode="nearest"). */
    public Value upsampleNearest2x(Value x) {
        return b.resizeByScale(x, 2f, 2f, "nearest");
    }
}
