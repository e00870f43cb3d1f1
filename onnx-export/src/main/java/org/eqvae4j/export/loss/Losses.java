package org.eqvae4j.export.loss;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * Attaches a loss to one output of a model graph: the result has an extra input {@code target} and a
 * scalar output {@code loss} first, followed by the model's own outputs.
 */
public final class Losses {
    public static final String LOSS = "loss";
    public static final String TARGET = "target";

    private Losses() {}

    public static Graph attach(Graph model, String outputName, LossKind kind) {
        GraphBuilder b = GraphBuilder.from(model);
        Value y = b.value(model.output(outputName).name());
        if (y.dtype() != DType.FLOAT) {
            throw new IllegalArgumentException(
                    "output '" + outputName + "' is " + y.dtype() + "; a loss needs a float output");
        }
        Value loss = switch (kind) {
            case MSE, L1 -> {
                Value t = b.input(TARGET, DType.FLOAT, y.shape());
                Value d = b.sub(y, t);
                Value e = kind == LossKind.MSE ? b.mul(d, d) : b.op("Abs", d);
                yield b.reduceMean(e, false, allAxes(y, outputName));
            }
            case CROSS_ENTROPY -> {
                if (y.shape() == null || y.rank() != 2) {
                    throw new IllegalArgumentException(
                            "cross-entropy needs logits of shape [N, C], output '" + outputName + "' is " + y);
                }
                long classes = y.shape().size(1);
                if (classes < 0) {
                    throw new IllegalArgumentException(
                            "cross-entropy needs a static class count, output '" + outputName + "' is " + y);
                }
                Value labels =
                        b.input(TARGET, DType.INT64, new Shape(List.of(y.shape().dim(0))));
                Value oneHot = b.op(
                        "OneHot",
                        List.of(
                                labels,
                                b.longs(classes),
                                b.constant(Tensor.ofFloats("off_on", new long[] {2}, 0f, 1f))),
                        Map.of("axis", -1));
                Value logp = b.op("LogSoftmax", List.of(y), Map.of("axis", -1));
                Value picked = b.reduceSum(b.mul(oneHot, logp), false, 1);
                yield b.op("Neg", b.reduceMean(picked, false, 0));
            }
        };
        b.output(loss, LOSS);
        for (Value out : model.outputs()) {
            b.output(b.value(out.name()), out.name());
        }
        return b.build();
    }

    private static long[] allAxes(Value y, String name) {
        if (y.shape() == null) {
            throw new IllegalArgumentException("output '" + name + "' has no known rank; cannot build its loss");
        }
        long[] axes = new long[y.rank()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }
}
