package org.eqvae4j.runtime.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in NCHW layout (batch, channels, height, width): the one layout used at every
 * boundary of the runtime (images, latents, model inputs and outputs). Immutable by convention: methods
 * return new tensors and {@link #data()} is only to be read.
 */
public final class FloatTensor {
    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final float[] data;

    public FloatTensor(int n, int c, int h, int w, float[] data) {
        if (n < 0 || c < 0 || h < 0 || w < 0) {
            throw new IllegalArgumentException("negative dimension in " + Arrays.toString(new int[] {n, c, h, w}));
        }
        if ((long) n * c * h * w != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " does not match NCHW shape "
                    + Arrays.toString(new int[] {n, c, h, w}));
        }
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.data = data;
    }

    public static FloatTensor zeros(int n, int c, int h, int w) {
        return new FloatTensor(n, c, h, w, new float[Math.multiplyExact(Math.multiplyExact(n, c), h * w)]);
    }

    public static FloatTensor of(long[] shape, float[] data) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("expected an NCHW (rank 4) tensor, got shape " + Arrays.toString(shape));
        }
        return new FloatTensor(
                Math.toIntExact(shape[0]),
                Math.toIntExact(shape[1]),
                Math.toIntExact(shape[2]),
                Math.toIntExact(shape[3]),
                data);
    }

    public int batch() {
        return n;
    }

    public int channels() {
        return c;
    }

    public int height() {
        return h;
    }

    public int width() {
        return w;
    }

    public long[] shape() {
        return new long[] {n, c, h, w};
    }

    /** The backing array (NCHW, row-major); do not modify. */
    public float[] data() {
        return data;
    }

    public float get(int in, int ic, int y, int x) {
        return data[((in * c + ic) * h + y) * w + x];
    }

    public int index(int in, int ic, int y, int x) {
        return ((in * c + ic) * h + y) * w + x;
    }

    /** One sample of the batch as a [1,C,H,W] tensor. */
    public FloatTensor sample(int index) {
        int plane = c * h * w;
        return new FloatTensor(1, c, h, w, Arrays.copyOfRange(data, index * plane, (index + 1) * plane));
    }

    /** Concatenates samples of equal C, H, W along the batch axis. */
    public static FloatTensor stack(java.util.List<FloatTensor> parts) {
        FloatTensor first = parts.get(0);
        int total = 0;
        for (FloatTensor p : parts) {
            if (p.c != first.c || p.h != first.h || p.w != first.w) {
                throw new IllegalArgumentException(
                        "cannot stack " + Arrays.toString(p.shape()) + " with " + Arrays.toString(first.shape()));
            }
            total += p.n;
        }
        float[] out = new float[total * first.c * first.h * first.w];
        int pos = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.data, 0, out, pos, p.data.length);
            pos += p.data.length;
        }
        return new FloatTensor(total, first.c, first.h, first.w, out);
    }

    /** True when every value is finite (no NaN or infinity). */
    public boolean allFinite() {
        for (float v : data) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    public FloatTensor map(java.util.function.DoubleUnaryOperator f) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) f.applyAsDouble(data[i]);
        }
        return new FloatTensor(n, c, h, w, out);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape());
    }
}
