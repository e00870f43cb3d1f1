package org.eqvae4j.runtime.tiling;

/**
 * Overlapping windows along one axis, in latent units (one latent pixel = f image pixels), and the
 * weights that blend them. Windows have a fixed size, the first starts at 0, the last ends at the
 * axis end, and the starts in between are spread evenly, so neighbours overlap by at least
 * {@code minOverlap} and lengths that are not a multiple of the tile need no padding.
 *
 * <p>Blending: inside the overlap of two neighbours, one window's weight falls linearly while the other's
 * rises, and the pair sums to one; elsewhere a window's weight is one. Outputs are at {@code scale} pixels
 * per latent unit (f when decoding, 1 when encoding); ramps are computed at that resolution, so a
 * decoded seam is blended over every output pixel of the overlap. The weights are divided by their sum
 * over all windows, which keeps them a partition of unity even where three windows meet (short axes).
 */
public final class TileLayout {
    private final int length;
    private final int window;
    private final int[] starts;

    private TileLayout(int length, int window, int[] starts) {
        this.length = length;
        this.window = window;
        this.starts = starts;
    }

    /**
     * @param length     axis length (latent units)
     * @param window     window size including the halo on both sides (latent units)
     * @param minOverlap overlap of neighbouring windows, at least (latent units), below {@code window}
     */
    public static TileLayout of(int length, int window, int minOverlap) {
        if (length < 1 || window < 1 || minOverlap < 0 || minOverlap >= window) {
            throw new IllegalArgumentException(
                    "tile layout needs length, window >= 1 and 0 <= overlap < window, got length " + length
                            + ", window " + window + ", overlap " + minOverlap);
        }
        if (length <= window) {
            return new TileLayout(length, length, new int[] {0});
        }
        int stride = window - minOverlap;
        int count = (length - window + stride - 1) / stride + 1;
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = (int) Math.round((double) i * (length - window) / (count - 1));
        }
        return new TileLayout(length, window, starts);
    }

    public int count() {
        return starts.length;
    }

    /** Start of window i (latent units). */
    public int start(int i) {
        return starts[i];
    }

    /** Window size (latent units): the requested window, or the whole axis when it is shorter. */
    public int window() {
        return window;
    }

    public int length() {
        return length;
    }

    /** Blend weights of window i at {@code scale} output pixels per latent unit, normalised over all windows. */
    public float[] weights(int i, int scale) {
        float[] sum = new float[length * scale];
        for (int j = 0; j < starts.length; j++) {
            float[] r = ramp(j, scale);
            for (int p = 0; p < r.length; p++) {
                sum[starts[j] * scale + p] += r[p];
            }
        }
        float[] w = ramp(i, scale);
        for (int p = 0; p < w.length; p++) {
            w[p] /= sum[starts[i] * scale + p];
        }
        return w;
    }

    /** Unnormalised: linear ramps over the overlaps with the previous and next window, one elsewhere. */
    private float[] ramp(int i, int scale) {
        int size = window * scale;
        float[] w = new float[size];
        java.util.Arrays.fill(w, 1f);
        if (i > 0) {
            int overlap = (starts[i - 1] + window - starts[i]) * scale;
            for (int p = 0; p < overlap; p++) {
                w[p] = Math.min(w[p], (p + 0.5f) / overlap);
            }
        }
        if (i < starts.length - 1) {
            int overlap = (starts[i] + window - starts[i + 1]) * scale;
            for (int p = 0; p < overlap; p++) {
                w[size - 1 - p] = Math.min(w[size - 1 - p], (p + 0.5f) / overlap);
            }
        }
        return w;
    }
}
