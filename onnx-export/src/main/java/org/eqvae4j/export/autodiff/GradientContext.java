package org.eqvae4j.export.autodiff;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * What a {@link GradientRule} works with: the builder that extends the forward graph, the incoming
 * output gradients, and helpers for the patterns every rule needs (undoing broadcasting, shapes of
 * values at run time).
 */
public final class GradientContext {
    private final GraphBuilder b;
    private final Map<String, Value> grads = new HashMap<>();
    private final Set<String> needed;
    private final Map<String, Value> shapes = new HashMap<>();

    GradientContext(GraphBuilder builder, Set<String> needed) {
        this.b = builder;
        this.needed = needed;
    }

    public GraphBuilder builder() {
        return b;
    }

    /** Gradient flowing into a value, or null when none does (the value does not reach the loss). */
    public Value gradOf(Value v) {
        return v == null ? null : withShapeOf(grads.get(v.name()), v);
    }

    /** A gradient has the shape of the value it belongs to; say so where the builder could not infer it. */
    private static Value withShapeOf(Value grad, Value of) {
        if (grad == null || grad.shape() != null || of.shape() == null) {
            return grad;
        }
        return new Value(grad.name(), grad.dtype(), of.shape());
    }

    /** Whether a gradient for this input is wanted (it lies on a path from a parameter). */
    public boolean needs(Value v) {
        return v != null && needed.contains(v.name());
    }

    void seed(Value loss, Value ones) {
        grads.put(loss.name(), ones);
    }

    /** Adds a contribution to the gradient of {@code input} (sums when several consumers contribute). */
    public void accumulate(Value input, Value grad) {
        if (!needs(input)) {
            return;
        }
        Value prev = grads.get(input.name());
        grads.put(input.name(), withShapeOf(prev == null ? grad : b.add(prev, grad), input));
    }

    /** Constant value of an initializer input, or null when computed at run time. */
    public Tensor constant(Value v) {
        return b.constantValue(v);
    }

    /** Shape(v) as an int64 vector, built once per value. */
    public Value shapeOf(Value v) {
        return shapes.computeIfAbsent(v.name(), k -> {
            if (v.shape() != null && v.shape().isStatic()) {
                return b.longs(v.shape().toArray());
            }
            return b.op("Shape", v);
        });
    }

    /**
     * Sums a gradient over the axes along which {@code target} was broadcast, then gives it the
     * target's shape. Axes are known from ranks and the target's static size-1 dimensions.
     */
    public Value unbroadcast(Value grad, Value target, Node node) {
        Shape t = target.shape();
        Shape g = grad.shape();
        if (t == null || g == null) {
            throw new UnsupportedOpException(node.describe() + ": cannot undo broadcasting, the shape of '"
                    + (t == null ? target.name() : grad.name()) + "' is unknown");
        }
        if (t.equals(g)) {
            return grad;
        }
        int lead = g.rank() - t.rank();
        java.util.List<Long> axes = new java.util.ArrayList<>();
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead) {
                axes.add((long) i);
            } else {
                Shape.Dim td = t.dim(i - lead);
                Shape.Dim gd = g.dim(i);
                if (td.isStatic() && td.size() == 1 && !(gd.isStatic() && gd.size() == 1)) {
                    axes.add((long) i);
                }
            }
        }
        Value r = grad;
        if (!axes.isEmpty()) {
            r = b.reduceSum(grad, true, axes.stream().mapToLong(Long::longValue).toArray());
        }
        if (lead > 0 || (r.shape() != null && !r.shape().equals(t))) {
            r = b.op("Reshape", r, shapeOf(target));
        }
        return r;
    }

    /** Zeros with the shape of {@code like}. */
    public Value zerosLike(Value like) {
        return b.op(
                "ConstantOfShape",
                List.of(shapeOf(like)),
                Map.of("value", Tensor.ofFloats("zero", new long[] {1}, 0f)));
    }

    /**
     * Element type check: gradients flow through floating-point values only. A value whose type could
     * not be inferred counts as float, so that an op the inference does not know is reported as lacking
     * a rule rather than silently cutting the gradient.
     */
    static boolean differentiable(Value v) {
        return v != null && (v.dtype() == null || v.dtype().isFloatingPoint());
    }

    /** The default-domain opset version of the graph being extended (rules emit ops valid in it). */
    public long opset() {
        return b.opset();
    }

    static DType dtype(Value v) {
        return v.dtype();
    }
}
