package org.eqvae4j.export.autodiff;

import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Value;

/**
 * LayerNormalization, InstanceNormalization, GroupNormalization (opset 18: scale and bias per group;
 * 21: per channel) and BatchNormalization (inference form, and training mode with batch statistics).
 * Every normalisation shares one backward formula over its normalised axes:
 * dx = inv * (g - mean(g) - xhat * mean(g * xhat)) with g the gradient reaching xhat.
 */
final class NormalizationRules {
    private NormalizationRules() {}

    static void register(GradientRules r) {
        r.put("LayerNormalization", NormalizationRules::layerNorm);
        r.put("BatchNormalization", NormalizationRules::batchNorm);
        r.put("InstanceNormalization", NormalizationRules::instanceNorm);
        r.put("GroupNormalization", NormalizationRules::groupNorm);
    }

    /** Standardisation of x over {@code axes} (biased variance): xhat and 1/sqrt(var + eps). */
    private record Standardised(Value xhat, Value inv) {
        static Standardised of(GraphBuilder b, Value x, float eps, long... axes) {
            Value xc = b.sub(x, b.reduceMean(x, true, axes));
            Value inv = b.op("Reciprocal", b.sqrt(b.add(b.reduceMean(b.mul(xc, xc), true, axes), b.scalar(eps))));
            return new Standardised(b.mul(xc, inv), inv);
        }

        /** Gradient with respect to x given g, the gradient with respect to xhat. */
        Value backward(GraphBuilder b, Value g, long... axes) {
            Value centred = b.sub(g, b.reduceMean(g, true, axes));
            return b.mul(inv, b.sub(centred, b.mul(xhat, b.reduceMean(b.mul(g, xhat), true, axes))));
        }
    }

    private static int rankOf(Node n, Value x) {
        if (x.shape() == null || x.rank() < 3) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient needs an input of known rank >= 3 (N, C, spatial...), got " + x);
        }
        return x.rank();
    }

    /** Axes 0 and 2.. (all but channels), and the shape [C, 1, ...] that broadcasts a per-channel vector. */
    private static long[] allButChannels(int rank) {
        long[] axes = new long[rank - 1];
        axes[0] = 0;
        for (int i = 1; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }

    private static long[] perChannelShape(int rank) {
        long[] shape = new long[rank - 1];
        java.util.Arrays.fill(shape, 1);
        shape[0] = -1;
        return shape;
    }

    private static void instanceNorm(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        int rank = rankOf(n, x);
        long[] spatial = new long[rank - 2];
        for (int i = 0; i < spatial.length; i++) {
            spatial[i] = i + 2;
        }
        Standardised s = Standardised.of(b, x, n.attrFloat("epsilon", 1e-5f), spatial);
        affineBackward(n, c, s, spatial, allButChannels(rank), perChannelShape(rank));
    }

    /** Training-mode BatchNormalization: statistics of the batch over all axes but the channel axis. */
    private static void batchNormTraining(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        int rank = rankOf(n, x);
        long[] axes = allButChannels(rank);
        Standardised s = Standardised.of(b, x, n.attrFloat("epsilon", 1e-5f), axes);
        affineBackward(n, c, s, axes, axes, perChannelShape(rank));
    }

    /** y = xhat * scale + bias with per-channel scale and bias. */
    private static void affineBackward(
            Node n, GradientContext c, Standardised s, long[] normalised, long[] reduce, long[] perChannel) {
        GraphBuilder b = c.builder();
        Value dy = c.gradOf(n.output(0));
        Value scale = n.input(1);
        Value bias = n.input(2);
        if (c.needs(n.input(0))) {
            c.accumulate(n.input(0), s.backward(b, b.mul(dy, b.reshape(scale, perChannel)), normalised));
        }
        if (c.needs(scale)) {
            c.accumulate(scale, b.reduceSum(b.mul(dy, s.xhat()), false, reduce));
        }
        if (bias != null && c.needs(bias)) {
            c.accumulate(bias, b.reduceSum(dy, false, reduce));
        }
    }

    /**
     * Statistics per (sample, group) over the group's channels and all spatial positions, computed in the
     * layout [N, G, C/G * spatial]. Opset 18 scales and shifts per group, opset 21 per channel.
     */
    private static void groupNorm(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        int rank = rankOf(n, x);
        long groups = n.attrLong("num_groups", -1);
        Value scale = n.input(1);
        Value bias = n.input(2);
        boolean perChannel = c.opset() >= 21;
        Value dy = c.gradOf(n.output(0));
        Value xg = b.reshape(x, 0, groups, -1);
        Standardised s = Standardised.of(b, xg, n.attrFloat("epsilon", 1e-5f), 2);
        Value dyg = b.reshape(dy, 0, groups, -1);
        if (c.needs(x)) {
            Value g = perChannel
                    ? b.reshape(b.mul(dy, b.reshape(scale, perChannelShape(rank))), 0, groups, -1)
                    : b.mul(dyg, b.reshape(scale, -1, 1));
            c.accumulate(x, b.op("Reshape", s.backward(b, g, 2), c.shapeOf(x)));
        }
        if (c.needs(scale)) {
            c.accumulate(
                    scale,
                    perChannel
                            ? b.reduceSum(
                                    b.mul(dy, b.op("Reshape", s.xhat(), c.shapeOf(x))), false, allButChannels(rank))
                            : b.reduceSum(b.mul(dyg, s.xhat()), false, 0, 2));
        }
        if (bias != null && c.needs(bias)) {
            c.accumulate(
                    bias, perChannel ? b.reduceSum(dy, false, allButChannels(rank)) : b.reduceSum(dyg, false, 0, 2));
        }
    }

    /** dx = inv * (g - mean(g) - xhat * mean(g * xhat)), g = dy * scale, over the normalised axes. */
    private static void layerNorm(Node n, GradientContext c) {
        if (n.outputs().size() > 1
                && n.outputs().subList(1, n.outputs().size()).stream().anyMatch(o -> c.gradOf(o) != null)) {
            throw new UnsupportedOpException(
                    n.describe() + ": gradient through the mean/inv-std outputs is not supported");
        }
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value scale = n.input(1);
        Value bias = n.input(2);
        if (x.shape() == null) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs the input rank");
        }
        int rank = x.rank();
        long axis = n.attrLong("axis", -1);
        axis = axis < 0 ? axis + rank : axis;
        long[] axes = new long[(int) (rank - axis)];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = axis + i;
        }
        float eps = n.attrFloat("epsilon", 1e-5f);
        Value dy = c.gradOf(n.output(0));
        Value mean = b.reduceMean(x, true, axes);
        Value xc = b.sub(x, mean);
        Value inv = b.op("Reciprocal", b.sqrt(b.add(b.reduceMean(b.mul(xc, xc), true, axes), b.scalar(eps))));
        Value xhat = b.mul(xc, inv);
        if (c.needs(x)) {
            Value g = b.mul(dy, scale);
            Value dx = b.mul(
                    inv,
                    b.sub(
                            b.sub(g, b.reduceMean(g, true, axes)),
                            b.mul(xhat, b.reduceMean(b.mul(g, xhat), true, axes))));
            c.accumulate(x, dx);
        }
        if (c.needs(scale)) {
            c.accumulate(scale, c.unbroadcast(b.mul(dy, xhat), scale, n));
        }
        if (bias != null && c.needs(bias)) {
            c.accumulate(bias, c.unbroadcast(dy, bias, n));
        }
    }

    /** Inference form (running statistics): an affine map per channel. */
    private static void batchNorm(Node n, GradientContext c) {
        if (n.attrLong("training_mode", 0) != 0) {
            batchNormTraining(n, c);
            return;
        }
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value scale = n.input(1);
        Value bias = n.input(2);
        Value mean = n.input(3);
        Value var = n.input(4);
        if (c.needs(mean) || c.needs(var)) {
            throw new UnsupportedOpException(
                    n.describe() + ": running mean/var are statistics, not trainable parameters");
        }
        if (x.shape() == null || x.rank() < 2) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs the input rank");
        }
        long[] perChannel = new long[x.rank() - 1];
        perChannel[0] = -1;
        for (int i = 1; i < perChannel.length; i++) {
            perChannel[i] = 1;
        }
        long[] reduce = new long[x.rank() - 1];
        reduce[0] = 0;
        for (int i = 1; i < reduce.length; i++) {
            reduce[i] = i + 1;
        }
        float eps = n.attrFloat("epsilon", 1e-5f);
        Value dy = c.gradOf(n.output(0));
        Value inv = b.reshape(b.op("Reciprocal", b.sqrt(b.add(var, b.scalar(eps)))), perChannel);
        if (c.needs(x)) {
            c.accumulate(x, b.mul(dy, b.mul(b.reshape(scale, perChannel), inv)));
        }
        if (c.needs(scale)) {
            Value xhat = b.mul(b.sub(x, b.reshape(mean, perChannel)), inv);
            c.accumulate(scale, b.reduceSum(b.mul(dy, xhat), false, reduce));
        }
        if (c.needs(bias)) {
            c.accumulate(bias, b.reduceSum(dy, false, reduce));
        }
    }
}
