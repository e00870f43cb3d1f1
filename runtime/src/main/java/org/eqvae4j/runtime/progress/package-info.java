/**
 * Ground floor of the runtime: how long work reports progress ({@link org.eqvae4j.runtime.progress.ProgressListener}).
 * Every other package may use it (batch, tiling, metrics, training, the CLI's progress bar, Fiji's status bar);
 * it uses nothing of the project.
 */
package org.eqvae4j.runtime.progress;
