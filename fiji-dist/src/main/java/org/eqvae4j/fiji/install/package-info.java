/**
 * Installing the Fiji plugin into a Fiji.app folder ({@code eqvae fiji-install}): the plugin jar, its dependencies and
 * model bundles, never overwriting a differing file silently. Plain Java in the fiji-dist module, outside the plugin jar,
 * so that the command line uses it without depending on the plugin.
 */
package org.eqvae4j.fiji.install;
