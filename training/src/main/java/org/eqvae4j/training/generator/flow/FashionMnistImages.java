package org.eqvae4j.training.generator.flow;

import java.util.List;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.Resampler;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.data.ImageSet;

/**
 * The one mapping between 28x28 grey Fashion-MNIST images and the autoencoders' inputs: zero-padded by
 * {@value #PAD} pixels on every side to 32x32 (a multiple of every shipped downsampling factor), resized to a
 * larger model side (a multiple of 32, e.g. 64 for 8x8 TAEF2 latents) by the project's resize convention
 * (bicubic up, area down, as {@code AutoencoderEvaluation} prepares images), grey repeated to the model's channels
 * ({@link ImageFiles#toChannels}); and back: the decoded image area-resized to 32x32, cropped to its centre 28x28
 * and turned grey by BT.601 luma, clamped to [0, 1].
 */
public final class FashionMnistImages {
    public static final int SIDE = 28;
    public static final int PAD = 2;
    public static final int MODEL_SIDE = SIDE + 2 * PAD;

    private FashionMnistImages() {}

    /** Images {@code from .. from+count-1} as a model batch [count, channels, 32, 32] in [0, 1]. */
    public static FloatTensor toModel(List<Image8> images, int from, int count, int channels) {
        return toModel(images, from, count, channels, MODEL_SIDE);
    }

    /**
     * Images {@code from .. from+count-1} as a model batch [count, channels, side, side]: padded to 32x32, then
     * resized bicubically to {@code side} (a multiple of 32).
     */
    public static FloatTensor toModel(List<Image8> images, int from, int count, int channels, int side) {
        checkSide(side);
        FloatTensor padded = padded(images, from, count);
        return ImageFiles.toChannels(ImageSet.resizeBicubic(padded, side), channels);
    }

    /** The model side's check: a multiple of 32 (so every shipped downsampling factor divides it). */
    public static void checkSide(int side) {
        if (side < MODEL_SIDE || side % MODEL_SIDE != 0) {
            throw new IllegalArgumentException("Fashion-MNIST model side must be a multiple of " + MODEL_SIDE
                    + " (32: padded only, 64: padded and resized), got " + side);
        }
    }

    /** How {@link #toModel} prepares images, for cache headers and reports. */
    public static String preprocessing(int side, int channels) {
        return "28x28 grey zero-padded by " + PAD + " to " + MODEL_SIDE + "x" + MODEL_SIDE
                + (side == MODEL_SIDE ? "" : ", resized bicubically to " + side + "x" + side)
                + ", grey repeated to " + channels + " channels, [0, 1]";
    }

    private static FloatTensor padded(List<Image8> images, int from, int count) {
        float[] out = new float[count * MODEL_SIDE * MODEL_SIDE];
        for (int n = 0; n < count; n++) {
            Image8 im = images.get(from + n);
            if (im.channels() != 1 || im.height() != SIDE || im.width() != SIDE) {
                throw new IllegalArgumentException("image " + (from + n) + " is " + im.channels() + "x" + im.height()
                        + "x" + im.width() + ", expected a 1x28x28 Fashion-MNIST image");
            }
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[(n * MODEL_SIDE + y + PAD) * MODEL_SIDE + x + PAD] = im.get(0, y, x);
                }
            }
        }
        return new FloatTensor(count, 1, MODEL_SIDE, MODEL_SIDE, out);
    }

    /**
     * Decoded model images [N, C, side, side] (side a multiple of 32) to classifier input: [N, 1, 28, 28] grey in
     * [0, 1], row-major.
     */
    public static float[] toClassifier(FloatTensor decoded) {
        if (decoded.height() != decoded.width()
                || decoded.height() < MODEL_SIDE
                || decoded.height() % MODEL_SIDE != 0) {
            throw new IllegalArgumentException("decoded images are " + decoded.height() + "x" + decoded.width()
                    + ", expected a square whose side is a multiple of " + MODEL_SIDE);
        }
        FloatTensor grey =
                Resampler.resize(ImageFiles.toChannels(decoded, 1), MODEL_SIDE, MODEL_SIDE, Interpolation.AREA);
        float[] out = new float[decoded.batch() * SIDE * SIDE];
        for (int n = 0; n < decoded.batch(); n++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    float v = grey.get(n, 0, y + PAD, x + PAD);
                    out[(n * SIDE + y) * SIDE + x] = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
                }
            }
        }
        return out;
    }

    /** Real images as classifier input [count, 1, 28, 28] in [0, 1]. */
    public static float[] toClassifier(List<Image8> images, int from, int count) {
        float[] out = new float[count * SIDE * SIDE];
        for (int n = 0; n < count; n++) {
            Image8 im = images.get(from + n);
            for (int i = 0; i < SIDE * SIDE; i++) {
                out[n * SIDE * SIDE + i] = (im.data()[i] & 0xff) / 255f;
            }
        }
        return out;
    }
}
