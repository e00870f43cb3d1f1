/**
 * A bundle's encoder and decoder through DJL: translators between DJL's NDArrays / images and the bundle's
 * tensors ({@code EqvaeDjl} loads the criteria), on DJL's ONNX Runtime engine running this project's ONNX Runtime.
 */
package org.eqvae4j.djl;
