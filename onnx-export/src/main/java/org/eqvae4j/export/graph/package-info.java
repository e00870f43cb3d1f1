/**
 * The pure-Java ONNX graph IR: tensors, values, nodes, graphs, the {@code GraphBuilder} that architectures and
 * objectives are written with, shape inference (by op family), constant folding of the shape arithmetic that
 * exporters write, and splitting a graph into tiling parts.
 */
package org.eqvae4j.export.graph;
