/**
 * Helpers every module's tests share; each module depends on this one with scope {@code test} only, so nothing here reaches a
 * shipped jar. {@link org.eqvae4j.testsupport.RepositoryRoot} finds the committed fixtures.
 */
package org.eqvae4j.testsupport;
