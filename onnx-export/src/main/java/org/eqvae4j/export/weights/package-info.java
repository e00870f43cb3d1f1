/**
 * Reading and writing weights: safetensors, PyTorch {@code .pth} checkpoints (a restricted unpickler), and the
 * state dict they load into.
 */
package org.eqvae4j.export.weights;
