package org.eqvae4j.export.autodiff;

import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Value;

/**
 * LayerNormalization and inference-mode BatchNormalization. (GroupNorm is built from primitives in
 * this project's graphs, so its gradient comes from the primitive rules.)
 */
final class NormalizationRules {
    private NormalizationRules() {
    }

    static void register(GradientRules r) {
        r.put("LayerNormalization", NormalizationRules::layerNorm);
        r.put("BatchNormalization", NormalizationRules::batchNorm);
    }

    /** dx = inv * (g - mean(g) - xhat * mean(g * xhat)), g = dy * scale, over the normalised axes. */
    private static void layerNorm(Node n, GradientContext c) {
        if (n.outputs().size() > 1 && n.outputs().subList(1, n.outputs().size()).stream().anyMatch(o -> c.gradOf(o) != null)) {
            throw new UnsupportedOpException(n.describe() + ": gradient through the mean/inv-std outputs is not supported");
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
            Value dx = b.mul(inv, b.sub(b.sub(g, b.reduceMean(g, true, axes)), b.mul(xhat, b.reduceMean(b.mul(g, xhat), true, axes))));
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
            throw new UnsupportedOpException(n.describe() + ": gradient of training-mode BatchNormalization is not supported");
        }
        GraphBuilder b = c.builder();
        Value x = n.input(0);
        Value scale = n.input(1);
        Value bias = n.input(2);
        Value mean = n.input(3);
        Value var = n.input(4);
        if (c.needs(mean) || c.needs(var)) {
            throw new UnsupportedOpException(n.describe() + ": running mean/var are statistics, not trainable parameters");
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
