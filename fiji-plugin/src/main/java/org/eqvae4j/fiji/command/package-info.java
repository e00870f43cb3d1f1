/**
 * SciJava commands (Plugins &gt; EQ-VAE in Fiji's command finder and scripts): thin classes over {@code org.eqvae4j.fiji}.
 */
package org.eqvae4j.fiji.command;
