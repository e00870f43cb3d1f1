/**
 * The one way files and folders are written: to a hidden temporary, then renamed into place.
 */
package org.eqvae4j.runtime.io;
