/**
 * The ImageJ update site for the plugin: the updater's own checksums ({@code UpdaterChecksums}), {@code db.xml.gz}
 * read and written ({@code UpdateSiteDb}), files served as {@code <path>-<timestamp>} with previous versions and
 * obsolete files ({@code UpdateSiteWriter}), what goes on the site ({@code PluginUpdateSite}), and the versions Fiji
 * manages through pom-scijava ({@code ManagedVersions}, {@code MavenArtifact}).
 */
package org.eqvae4j.fiji.dist;
