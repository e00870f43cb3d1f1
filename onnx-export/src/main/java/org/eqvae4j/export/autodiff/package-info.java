/**
 * Reverse-mode automatic differentiation of graphs: one {@code GradientRule} per op, grouped by family
 * (elementwise, activation, linear, normalisation, pooling, reduction, resize, shape) and registered in {@code GradientRules};
 * {@code Autodiff} builds the gradient graph, in standard ops or ONNX Runtime's fused training kernels.
 */
package org.eqvae4j.export.autodiff;
