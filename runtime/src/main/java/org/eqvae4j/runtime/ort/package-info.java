/**
 * ONNX Runtime plumbing shared by every model wrapper: how models run ({@link org.eqvae4j.runtime.ort.RuntimeOptions},
 * {@link org.eqvae4j.runtime.ort.ExecutionProvider}, CUDA with a CPU fallback recorded in
 * {@link org.eqvae4j.runtime.ort.ProviderChoice}), opening a bundle's files as sessions
 * ({@link org.eqvae4j.runtime.ort.SessionFactory}) and running them on tensors ({@link org.eqvae4j.runtime.ort.OrtSessions}).
 * Training reuses {@code RuntimeOptions} for its sessions. Depends on bundle and tensor only.
 */
package org.eqvae4j.runtime.ort;
