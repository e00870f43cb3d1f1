/**
 * Writing model bundles: export of an architecture with weights (with its tiling parts), re-export of an existing
 * bundle, and {@code BundleAgreement}, the check that two bundles compute the same function.
 */
package org.eqvae4j.export.bundle;
