package org.eqvae4j.runtime.transform;

import java.util.ArrayList;
import java.util.List;
import org.eqvae4j.runtime.image.DecodeLimits;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * A spatial transform tau applied to a latent (or an image), with its image-space counterpart, so that
 * D(tau(E(x))) can be compared with tau(x). The conventions live here and nowhere else:
 * <ul>
 *   <li>resizing: PyTorch {@code interpolate}, align_corners = false, no antialias ({@link Resampler});
 *       a scale s maps a latent size h to floor(h * s), and the image counterpart maps f * h to
 *       f * floor(h * s), so latent and image stay consistent for a downsampling factor f;</li>
 *   <li>rotation: {@code torch.rot90(x, k, dims=(-1, -2))}, i.e. k quarter turns CLOCKWISE:
 *       [[0,1,2],[3,4,5]] becomes [[3,0],[4,1],[5,2]];</li>
 *   <li>flips mirror the width (horizontal) or height (vertical) axis.</li>
 * </ul>
 */
public sealed interface LatentTransform {

    FloatTensor apply(FloatTensor x);

    /** The transform to apply to an image whose latent is 1/f its size, so that the results line up. */
    LatentTransform imageCounterpart(int downsamplingFactor);

    default LatentTransform andThen(LatentTransform next) {
        List<LatentTransform> steps = new ArrayList<>();
        for (LatentTransform t : List.of(this, next)) {
            if (t instanceof Composite c) {
                steps.addAll(c.steps());
            } else {
                steps.add(t);
            }
        }
        return new Composite(steps);
    }

    static LatentTransform scale(double s, Interpolation mode) {
        return new Scale(s, s, mode, 1);
    }

    static LatentTransform scale(double sy, double sx, Interpolation mode) {
        return new Scale(sy, sx, mode, 1);
    }

    static LatentTransform rotate90(int k) {
        return new Rotate90(k);
    }

    static LatentTransform flip(boolean horizontal) {
        return new Flip(horizontal);
    }

    static LatentTransform crop(int y, int x, int height, int width) {
        return new Crop(y, x, height, width);
    }

    /**
     * Centre crop of an image (or latent) so that height and width are multiples of {@code f}: how an image
     * of any size becomes one an autoencoder of downsampling factor f takes (cropping keeps pixels exact;
     * resizing would not). Returns {@code x} itself when it already fits.
     */
    static FloatTensor cropToMultiple(FloatTensor x, int f) {
        int h = x.height() / f * f;
        int w = x.width() / f * f;
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException(
                    "image " + x.height() + "x" + x.width() + " is smaller than the model's downsampling factor " + f);
        }
        if (h == x.height() && w == x.width()) {
            return x;
        }
        return crop((x.height() - h) / 2, (x.width() - w) / 2, h, w).apply(x);
    }

    /** The EQ-VAE reference transform: scale by s (bilinear), then rotate by k clockwise quarter turns. */
    static LatentTransform scaleThenRotate(double s, int k) {
        return scale(s, Interpolation.BILINEAR).andThen(rotate90(k));
    }

    /**
     * Scales each spatial axis: a size {@code m * h} becomes {@code m * floor(h * s)}, where m is the
     * {@code multiple} (1 for latents, the downsampling factor for images).
     */
    record Scale(double sy, double sx, Interpolation mode, int multiple) implements LatentTransform {
        public Scale {
            if (!(sy > 0) || !(sx > 0) || Double.isInfinite(sy) || Double.isInfinite(sx)) {
                throw new IllegalArgumentException("scale factors must be positive and finite, got " + sy + ", " + sx);
            }
            if (multiple < 1) {
                throw new IllegalArgumentException("multiple must be >= 1, got " + multiple);
            }
        }

        @Override
        public FloatTensor apply(FloatTensor x) {
            if (x.height() % multiple != 0 || x.width() % multiple != 0) {
                throw new IllegalArgumentException("image size " + x.height() + "x" + x.width()
                        + " is not a multiple of the downsampling factor " + multiple);
            }
            double h = multiple * Math.floor(x.height() / multiple * sy);
            double w = multiple * Math.floor(x.width() / multiple * sx);
            if (h == 0 || w == 0) {
                throw new IllegalArgumentException("scaling " + x.height() + "x" + x.width() + " by " + sy + "x" + sx
                        + " leaves nothing (latent side " + x.height() / multiple + " * " + sy + " < 1)");
            }
            // checked before allocating: scale=1000 on a 64x64 latent asks for 4 billion values per channel
            DecodeLimits limits = DecodeLimits.fromSystemProperties();
            if (h * w > limits.maxPixels() || h * w * x.batch() * x.channels() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(String.format(
                        java.util.Locale.ROOT,
                        "scaling %dx%d by %sx%s gives %.0fx%.0f, more than the limit of %d pixels (%d channels x %d images);"
                                + " raise it with EQVAE_JAVA_OPTS=-D%s=N",
                        x.height(),
                        x.width(),
                        sy,
                        sx,
                        h,
                        w,
                        limits.maxPixels(),
                        x.channels(),
                        x.batch(),
                        DecodeLimits.PIXELS_PROPERTY));
            }
            return Resampler.resize(x, (int) h, (int) w, mode);
        }

        @Override
        public LatentTransform imageCounterpart(int f) {
            return new Scale(sy, sx, mode, multiple * f);
        }
    }

    /** k clockwise quarter turns (negative k turns counter-clockwise), torch.rot90(x, k, dims=(-1, -2)). */
    record Rotate90(int k) implements LatentTransform {
        @Override
        public FloatTensor apply(FloatTensor x) {
            int turns = Math.floorMod(k, 4);
            FloatTensor r = x;
            for (int i = 0; i < turns; i++) {
                r = quarterTurnClockwise(r);
            }
            return r;
        }

        /** out[i][j] = in[H-1-j][i]; output is W x H. */
        private static FloatTensor quarterTurnClockwise(FloatTensor x) {
            int h = x.height();
            int w = x.width();
            int planes = x.batch() * x.channels();
            float[] in = x.data();
            float[] out = new float[in.length];
            for (int p = 0; p < planes; p++) {
                int base = p * h * w;
                for (int i = 0; i < w; i++) {
                    for (int j = 0; j < h; j++) {
                        out[base + i * h + j] = in[base + (h - 1 - j) * w + i];
                    }
                }
            }
            return new FloatTensor(x.batch(), x.channels(), w, h, out);
        }

        @Override
        public LatentTransform imageCounterpart(int f) {
            return this;
        }
    }

    /** Mirror along width (horizontal = true) or height. */
    record Flip(boolean horizontal) implements LatentTransform {
        @Override
        public FloatTensor apply(FloatTensor x) {
            int h = x.height();
            int w = x.width();
            float[] in = x.data();
            float[] out = new float[in.length];
            int planes = x.batch() * x.channels();
            for (int p = 0; p < planes; p++) {
                int base = p * h * w;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int sy = horizontal ? y : h - 1 - y;
                        int sx = horizontal ? w - 1 - xx : xx;
                        out[base + y * w + xx] = in[base + sy * w + sx];
                    }
                }
            }
            return new FloatTensor(x.batch(), x.channels(), h, w, out);
        }

        @Override
        public LatentTransform imageCounterpart(int f) {
            return this;
        }
    }

    /** A window of the tensor; in latent units, scaled by f for the image. */
    record Crop(int y, int x, int height, int width) implements LatentTransform {
        public Crop {
            if (y < 0 || x < 0 || height < 1 || width < 1) {
                throw new IllegalArgumentException("crop needs y, x >= 0 and a size of at least 1x1, got y=" + y + " x="
                        + x + " " + height + "x" + width);
            }
        }

        @Override
        public FloatTensor apply(FloatTensor t) {
            if (y + height > t.height() || x + width > t.width()) {
                throw new IllegalArgumentException("crop " + height + "x" + width + " at (" + y + "," + x
                        + ") lies outside the " + t.height() + "x" + t.width() + " input");
            }
            float[] out = new float[t.batch() * t.channels() * height * width];
            int planes = t.batch() * t.channels();
            for (int p = 0; p < planes; p++) {
                for (int r = 0; r < height; r++) {
                    System.arraycopy(
                            t.data(), (p * t.height() + y + r) * t.width() + x, out, (p * height + r) * width, width);
                }
            }
            return new FloatTensor(t.batch(), t.channels(), height, width, out);
        }

        @Override
        public LatentTransform imageCounterpart(int f) {
            return new Crop(y * f, x * f, height * f, width * f);
        }
    }

    /** Steps applied in order. */
    record Composite(List<LatentTransform> steps) implements LatentTransform {
        public Composite {
            steps = List.copyOf(steps);
        }

        @Override
        public FloatTensor apply(FloatTensor x) {
            FloatTensor r = x;
            for (LatentTransform t : steps) {
                r = t.apply(r);
            }
            return r;
        }

        @Override
        public LatentTransform imageCounterpart(int f) {
            return new Composite(steps.stream().map(t -> t.imageCounterpart(f)).toList());
        }
    }
}
