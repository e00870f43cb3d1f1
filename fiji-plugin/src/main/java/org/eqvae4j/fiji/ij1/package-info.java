/**
 * ImageJ 1 PlugIns with GenericDialogs: macro-recordable, headless-capable entries over {@code org.eqvae4j.fiji}.
 */
package org.eqvae4j.fiji.ij1;
