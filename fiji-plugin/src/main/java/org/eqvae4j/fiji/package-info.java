/**
 * The Fiji / ImageJ plugin's core, shared by both command flavours: ImagePlus to tensor conversion
 * ({@code ImagePlusTensors}, {@code PlaneLayout}), latents as hyperstacks ({@code LatentImages}), the operations
 * ({@code EqvaeOps}, sampling through the runtime's {@code LatentSampler}), finding and opening bundles ({@code Models},
 * {@code OpenModel}) and progress in Fiji's status bar ({@code Monitor}).
 */
package org.eqvae4j.fiji;
