package org.eqvae4j.export.autodiff;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/** ReduceSum / ReduceMean / ReduceMax / ReduceL2: broadcast the output gradient back over the reduced axes. */
final class ReductionRules {
    private ReductionRules() {}

    static void register(GradientRules r) {
        r.put("ReduceSum", (n, c) -> c.accumulate(n.input(0), spread(n, c, axes(n, c), c.gradOf(n.output(0)))));
        r.put("ReduceMean", (n, c) -> {
            GraphBuilder b = c.builder();
            Value x = n.input(0);
            Value spread = spread(n, c, axes(n, c), c.gradOf(n.output(0)));
            Value count = b.div(
                    b.op("Cast", List.of(b.op("Size", x)), Map.of("to", 1)),
                    b.op("Cast", List.of(b.op("Size", n.output(0))), Map.of("to", 1)));
            c.accumulate(x, b.div(spread, count));
        });
        r.put("ReduceMax", ReductionRules::reduceMax);
        r.put("ReduceL2", (n, c) -> {
            // y = sqrt(sum x^2): dx = dy x / y
            GraphBuilder b = c.builder();
            long[] axes = axes(n, c);
            Value x = n.input(0);
            Value dyOverY = b.div(c.gradOf(n.output(0)), n.output(0));
            c.accumulate(x, b.mul(x, spread(n, c, axes, dyOverY)));
        });
    }

    /** The gradient is shared equally by the elements equal to the maximum (PyTorch's amax convention). */
    private static void reduceMax(Node n, GradientContext c) {
        GraphBuilder b = c.builder();
        long[] axes = axes(n, c);
        Value x = n.input(0);
        Value isMax = b.op("Cast", List.of(b.op("Equal", x, spread(n, c, axes, n.output(0)))), Map.of("to", 1));
        Value ties = b.reduce("ReduceSum", isMax, true, axes == null ? ShapeRules.range(x.rank()) : axes);
        Value g = b.div(spread(n, c, axes, c.gradOf(n.output(0))), ties);
        c.accumulate(x, b.mul(g, isMax));
    }

    /**
     * Reduced axes, normalised to be non-negative; null means all axes. They come from the axes attribute
     * (ReduceMean/Max/L2 before opset 18) or the constant axes input (ReduceSum from 13, all from 18).
     */
    private static long[] axes(Node n, GradientContext c) {
        long[] axes = n.attrLongs("axes", null);
        if (axes == null && n.input(1) != null) {
            Tensor t = c.constant(n.input(1));
            if (t == null) {
                throw new UnsupportedOpException(n.describe() + ": gradient needs constant axes");
            }
            axes = t.toLongs();
        }
        if (axes == null || axes.length == 0) {
            return null;
        }
        Value x = n.input(0);
        if (x.shape() == null) {
            throw new UnsupportedOpException(n.describe() + ": gradient needs the input rank");
        }
        long[] norm = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            norm[i] = axes[i] < 0 ? axes[i] + x.rank() : axes[i];
        }
        return norm;
    }

    /** A value with the reduced shape (gradient or result) broadcast back over the input's shape. */
    private static Value spread(Node n, GradientContext c, long[] axes, Value g) {
        GraphBuilder b = c.builder();
        boolean keep = n.attrLong("keepdims", 1) != 0;
        if (!keep) {
            if (axes == null) {
                Value x = n.input(0);
                if (x.shape() == null) {
                    throw new UnsupportedOpException(n.describe() + ": gradient needs the input rank");
                }
                axes = ShapeRules.range(x.rank());
            }
            g = b.unsqueeze(g, axes);
        }
        return b.op("Expand", g, c.shapeOf(n.input(0)));
    }
}
