package org.eqvae4j.export.autodiff;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/** ReduceSum / ReduceMean: broadcast the output gradient back over the reduced axes. */
final class ReductionRules {
    private ReductionRules() {
    }

    static void register(GradientRules r) {
        r.put("ReduceSum", (n, c) -> c.accumulate(n.input(0), spread(n, c, axes(n, c, true))));
        r.put("ReduceMean", (n, c) -> {
            GraphBuilder b = c.builder();
            Value x = n.input(0);
            Value spread = spread(n, c, axes(n, c, false));
            Value count = b.div(b.op("Cast", List.of(b.op("Size", x)), Map.of("to", 1)),
                    b.op("Cast", List.of(b.op("Size", n.output(0))), Map.of("to", 1)));
            c.accumulate(x, b.div(spread, count));
        });
    }

    /** Reduced axes, normalised to be non-negative; null means all axes. */
    private static long[] axes(Node n, GradientContext c, boolean axesAsInput) {
        long[] axes;
        if (axesAsInput) {
            if (n.input(1) == null) {
                axes = null;
            } else {
                Tensor t = c.constant(n.input(1));
                if (t == null) {
                    throw new UnsupportedOpException(n.describe() + ": gradient needs constant axes");
                }
                axes = t.toLongs();
            }
        } else {
            axes = n.attrLongs("axes", null);
        }
        if (axes == null) {
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

    private static Value spread(Node n, GradientContext c, long[] axes) {
        GraphBuilder b = c.builder();
        Value g = c.gradOf(n.output(0));
        boolean keep = n.attrLong("keepdims", 1) != 0;
        if (!keep) {
            if (axes == null) {
                Value x = n.input(0);
                if (x.shape() == null) {
                    throw new UnsupportedOpException(n.describe() + ": gradient needs the input rank");
                }
                axes = ShapeRules.range(x.rank());
            }
            g = b.op("Unsqueeze", g, b.longs(axes));
        }
        return b.op("Expand", g, c.shapeOf(n.input(0)));
    }
}
