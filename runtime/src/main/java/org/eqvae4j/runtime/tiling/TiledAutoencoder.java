package org.eqvae4j.runtime.tiling;

import ai.onnxruntime.OrtException;
import java.util.Optional;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Encodes and decodes images of any size tile by tile, so that the model's memory is bounded by one
 * tile (plus halo), not the image. Tiles are {@code tileSize} pixels with {@code tileHalo} pixels of
 * context on each side; neighbours overlap by twice the halo and are blended with linear ramps
 * ({@link TileLayout}), which hides the seams that tile borders (zero padding inside the model) would
 * otherwise leave. Decoding tiles the latent with the same geometry divided by the downsampling factor.
 *
 * <p>Blending cannot undo operations that look at the whole image: TAEF2's GroupNorm statistics differ
 * from tile to tile (tiled decoding of a 1024 px photo then matches an untiled one to about 29 dB only).
 * Bundles whose whole-image operations sit at latent resolution ship their encoder and decoder split
 * there ({@link LatentCodec#decoderStages()}); the whole-image stage then runs once on the latent-sized
 * tensor (cheap) and only the local stage, which holds nearly all the cost and memory, is tiled.
 *
 * <p>Images up to {@code maxUntiledPixels} go through the model in one piece, as do images that fit in
 * one window; the result then equals the untiled model's exactly. Thread-safe like the model it wraps.
 */
public final class TiledAutoencoder implements LatentCodec {
    /** Below this many image pixels a model call is cheap enough to run whole (1024 x 1024). */
    public static final long DEFAULT_MAX_UNTILED_PIXELS = 1L << 20;

    private final LatentCodec model;
    private final int f;
    private final int tileSize;
    private final int tileHalo;
    private final int windowLatent;
    private final int overlapLatent;
    private final long maxUntiledPixels;
    private final ProgressListener progress;

    /** The bundle's tile size and halo, tiling images above {@link #DEFAULT_MAX_UNTILED_PIXELS}. */
    public TiledAutoencoder(LatentCodec model) {
        this(model, model.manifest().tileSize(), model.manifest().tileHalo(), DEFAULT_MAX_UNTILED_PIXELS);
    }

    /**
     * @param tileSize         tile side in image pixels, a multiple of the downsampling factor
     * @param tileHalo         context added on each side, a multiple of the factor, below half the tile
     * @param maxUntiledPixels images with at most this many pixels are not tiled (0: tile whenever it splits)
     */
    public TiledAutoencoder(LatentCodec model, int tileSize, int tileHalo, long maxUntiledPixels) {
        this(model, tileSize, tileHalo, maxUntiledPixels, ProgressListener.NONE);
    }

    private TiledAutoencoder(
            LatentCodec model, int tileSize, int tileHalo, long maxUntiledPixels, ProgressListener progress) {
        this.model = model;
        this.progress = progress;
        this.f = model.manifest().downsamplingFactor();
        if (tileSize <= 0 || tileSize % f != 0 || tileHalo < 0 || tileHalo % f != 0 || 2 * tileHalo >= tileSize) {
            throw new IllegalArgumentException(
                    "tile size " + tileSize + " and halo " + tileHalo + " must be multiples of the"
                            + " downsampling factor " + f + ", with the halo below half the tile size");
        }
        this.tileSize = tileSize;
        this.tileHalo = tileHalo;
        this.windowLatent = (tileSize + 2 * tileHalo) / f;
        this.overlapLatent = 2 * tileHalo / f;
        this.maxUntiledPixels = maxUntiledPixels;
    }

    @Override
    public ModelManifest manifest() {
        return model.manifest();
    }

    /** The same tiling, reporting tiles to {@code listener} from {@link #encode} and {@link #decode}. */
    public TiledAutoencoder withProgress(ProgressListener listener) {
        return new TiledAutoencoder(model, tileSize, tileHalo, maxUntiledPixels, listener);
    }

    @Override
    public FloatTensor encode(FloatTensor image) throws OrtException {
        return encode(image, progress);
    }

    @Override
    public FloatTensor decode(FloatTensor latent) throws OrtException {
        return decode(latent, progress);
    }

    /** Image sides must be multiples of the downsampling factor, as for the untiled model. */
    public FloatTensor encode(FloatTensor image, ProgressListener progress) throws OrtException {
        if (image.height() % f != 0 || image.width() % f != 0) {
            return model.encode(image); // the model's own message explains the size rule
        }
        if (!isTiled(image.height(), image.width())) {
            return model.encode(image);
        }
        Optional<LatentCodec.Stages> stages = model.encoderStages();
        if (stages.isPresent()) {
            return stages.get().whole().apply(tiled(image, f, 1, stages.get().local(), progress));
        }
        return tiled(image, f, 1, model::encode, progress);
    }

    public FloatTensor decode(FloatTensor latent, ProgressListener progress) throws OrtException {
        if (!isTiled(latent.height() * f, latent.width() * f)) {
            return model.decode(latent);
        }
        Optional<LatentCodec.Stages> stages = model.decoderStages();
        if (stages.isPresent()) {
            return tiled(stages.get().whole().apply(latent), 1, f, stages.get().local(), progress);
        }
        return tiled(latent, 1, f, model::decode, progress);
    }

    /** How many model calls an image of this size takes (1 when it is not tiled). */
    public int tileCount(int imageHeight, int imageWidth) {
        if (imageHeight < f || imageWidth < f || (long) imageHeight * imageWidth <= maxUntiledPixels) {
            return 1;
        }
        return TileLayout.of(imageHeight / f, windowLatent, overlapLatent).count()
                * TileLayout.of(imageWidth / f, windowLatent, overlapLatent).count();
    }

    private boolean isTiled(int imageHeight, int imageWidth) {
        return tileCount(imageHeight, imageWidth) > 1;
    }

    /**
     * Runs {@code call} window by window and blends the results into one output.
     *
     * @param inScale  input pixels per latent unit (f for images, 1 for latents)
     * @param outScale output pixels per latent unit
     */
    private FloatTensor tiled(
            FloatTensor in, int inScale, int outScale, LatentCodec.Stage call, ProgressListener progress)
            throws OrtException {
        int lh = in.height() / inScale;
        int lw = in.width() / inScale;
        TileLayout rows = TileLayout.of(lh, windowLatent, overlapLatent);
        TileLayout cols = TileLayout.of(lw, windowLatent, overlapLatent);
        int outH = lh * outScale;
        int outW = lw * outScale;
        int n = in.batch();
        int outChannels = -1;
        float[] out = null;
        int total = rows.count() * cols.count();
        float[][] wx = new float[cols.count()][];
        for (int j = 0; j < cols.count(); j++) {
            wx[j] = cols.weights(j, outScale);
        }
        for (int i = 0; i < rows.count(); i++) {
            float[] wy = rows.weights(i, outScale);
            for (int j = 0; j < cols.count(); j++) {
                progress.progress(i * cols.count() + j, total, "tile " + (i * cols.count() + j + 1) + " of " + total);
                FloatTensor window = LatentTransform.crop(
                                rows.start(i) * inScale,
                                cols.start(j) * inScale,
                                rows.window() * inScale,
                                cols.window() * inScale)
                        .apply(in);
                FloatTensor result = call.apply(window);
                int th = rows.window() * outScale;
                int tw = cols.window() * outScale;
                if (out == null) { // channels as the model gives them (image, latent or an inner feature map)
                    outChannels = result.channels();
                    out = new float[Math.multiplyExact(Math.multiplyExact(n * outChannels, outH), outW)];
                }
                if (result.channels() != outChannels || result.height() != th || result.width() != tw) {
                    throw new IllegalStateException("model returned " + result + " for a tile, expected " + outChannels
                            + " channels of " + th + "x" + tw);
                }
                accumulate(result, wy, wx[j], out, outH, outW, rows.start(i) * outScale, cols.start(j) * outScale);
            }
        }
        progress.progress(total, total, "tiles done");
        return new FloatTensor(n, outChannels, outH, outW, out);
    }

    /** out[plane][y0 + y][x0 + x] += tile[plane][y][x] * wy[y] * wx[x]. */
    private static void accumulate(
            FloatTensor tile, float[] wy, float[] wx, float[] out, int outH, int outW, int y0, int x0) {
        int th = tile.height();
        int tw = tile.width();
        float[] t = tile.data();
        int planes = tile.batch() * tile.channels();
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < th; y++) {
                int src = (p * th + y) * tw;
                int dst = (p * outH + y0 + y) * outW + x0;
                float rowWeight = wy[y];
                for (int x = 0; x < tw; x++) {
                    out[dst + x] += t[src + x] * rowWeight * wx[x];
                }
            }
        }
    }
}
