/**
 * Commands that make, inspect or install bundles rather than run them on images: {@code export} (architecture +
 * weights to a bundle), {@code info}, {@code artifacts} (ONNX Runtime training artifacts) {@code fiji-install} and
 * {@code fiji-update-site}.
 */
package org.eqvae4j.cli.tools;
