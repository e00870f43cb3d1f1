/**
 * ONNX protobuf files to and from the graph IR ({@code OnnxReader}, {@code OnnxWriter}).
 */
package org.eqvae4j.export.onnx;
