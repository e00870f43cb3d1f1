/**
 * Image files in and out (PNG, TIFF stacks, JPEG, WebP; bit depth, pixel size and metadata kept), folders of
 * images, and the intensity mappings between pixel values and [0, 1].
 */
package org.eqvae4j.runtime.image;
