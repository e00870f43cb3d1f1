/**
 * Model bundles: a folder of ONNX files described by {@code model.json} ({@code ModelManifest}, with its
 * {@code GeneratorSpec} section), opened and validated by {@code ModelBundle}, staged and written by {@code BundleWriter}.
 */
package org.eqvae4j.runtime.bundle;
