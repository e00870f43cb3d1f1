package org.eqvae4j.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.Resampler;

/**
 * Square training crops at random scales: a window of side s, log-uniform in [size, short side], at a
 * random position, area-averaged down to size x size ({@link Interpolation#AREA}: no aliasing when a
 * large window shrinks, unlike plain bilinear sampling). Batches are a pure function of (seed, step), so a
 * resumed run sees exactly the data an uninterrupted one would.
 */
public final class RandomCrops {
    private final ImageSet images;
    private final int size;
    private final long seed;

    public RandomCrops(ImageSet images, int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("crop size must be >= 1, got " + size);
        }
        this.images = images;
        this.size = size;
        this.seed = seed;
    }

    public int size() {
        return size;
    }

    /** Batch number {@code step}: [batch, C, size, size] in [0, 1]. */
    public FloatTensor batch(int batch, long step) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        int c = images.images().get(0).channels();
        List<FloatTensor> crops = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Image8 img = images.images().get(rnd.nextInt(images.size()));
            if (img.channels() != c) {
                throw new IllegalStateException("training images mix " + c + " and " + img.channels() + " channels");
            }
            int shortSide = Math.min(img.height(), img.width());
            int side = shortSide <= size
                    ? shortSide
                    : (int) Math.round(size * Math.exp(rnd.nextDouble() * Math.log((double) shortSide / size)));
            int y0 = rnd.nextInt(img.height() - side + 1);
            int x0 = rnd.nextInt(img.width() - side + 1);
            FloatTensor window = window(img, y0, x0, side);
            crops.add(Resampler.resize(window, size, size, side >= size ? Interpolation.AREA : Interpolation.BILINEAR));
        }
        return FloatTensor.stack(crops);
    }

    private static FloatTensor window(Image8 img, int y0, int x0, int side) {
        float[] out = new float[img.channels() * side * side];
        for (int ch = 0; ch < img.channels(); ch++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    out[(ch * side + y) * side + x] = img.get(ch, y0 + y, x0 + x);
                }
            }
        }
        return new FloatTensor(1, img.channels(), side, side, out);
    }
}
