package org.eqvae4j.export.autodiff;

import org.eqvae4j.export.graph.Node;

/**
 * The backward pass of one op type: given the gradients of a node's outputs (from the context), adds
 * nodes computing the gradients of its inputs and hands them to {@link GradientContext#accumulate}.
 * Rules emit standard ONNX ops only, so the result runs on every ONNX Runtime provider.
 */
@FunctionalInterface
public interface GradientRule {
    void backward(Node node, GradientContext ctx);
}
