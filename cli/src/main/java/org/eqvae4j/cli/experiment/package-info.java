/**
 * Commands that measure and compare: {@code metrics}, {@code results} (models/RESULTS.md), {@code report} (one
 * fine-tune's report), the generator experiments ({@code experiment-generators}, {@code experiment-vq}) and the
 * benchmarks against PyTorch ({@code bench-train}, {@code bench-infer}).
 */
package org.eqvae4j.cli.experiment;
