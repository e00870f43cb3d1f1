package org.eqvae4j.runtime.tiling;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/**
 * Tiling logic against a codec whose output pixels depend only on their own block (f x f mean pooling to
 * encode, nearest upsampling to decode): tiled and untiled results must then agree to rounding, whatever
 * the layout. The real model's seams are measured in {@link TiledTaef2Test}.
 */
class TiledAutoencoderTest {
    static final int F = 8;

    /** Block-local "autoencoder": latent channel c = mean of image channel c over each f x f block. */
    static final class BlockCodec implements LatentCodec {
        final AtomicInteger calls = new AtomicInteger();
        final List<long[]> shapes = new ArrayList<>();

        @Override
        public ModelManifest manifest() {
            return new ModelManifest(
                    1,
                    "block",
                    "block",
                    "test",
                    LatentKind.DETERMINISTIC,
                    3,
                    3,
                    F,
                    1,
                    0,
                    new double[] {0, 1},
                    64,
                    16,
                    Map.of("encoder", "e.onnx", "decoder", "d.onnx"),
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        @Override
        public FloatTensor encode(FloatTensor x) {
            record(x);
            int h = x.height() / F;
            int w = x.width() / F;
            float[] out = new float[x.batch() * x.channels() * h * w];
            for (int p = 0; p < x.batch() * x.channels(); p++) {
                for (int y = 0; y < x.height(); y++) {
                    for (int xx = 0; xx < x.width(); xx++) {
                        out[(p * h + y / F) * w + xx / F] += x.data()[(p * x.height() + y) * x.width() + xx] / (F * F);
                    }
                }
            }
            return new FloatTensor(x.batch(), x.channels(), h, w, out);
        }

        @Override
        public FloatTensor decode(FloatTensor z) {
            record(z);
            int h = z.height() * F;
            int w = z.width() * F;
            float[] out = new float[z.batch() * z.channels() * h * w];
            for (int p = 0; p < z.batch() * z.channels(); p++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[(p * h + y) * w + x] = z.data()[(p * z.height() + y / F) * z.width() + x / F];
                    }
                }
            }
            return new FloatTensor(z.batch(), z.channels(), h, w, out);
        }

        private synchronized void record(FloatTensor x) {
            calls.incrementAndGet();
            shapes.add(x.shape());
        }
    }

    @Test
    void tiledEqualsUntiledForABlockLocalModelAtSizesNotMultipleOfTheTile() throws Exception {
        BlockCodec codec = new BlockCodec();
        TiledAutoencoder tiled = new TiledAutoencoder(codec, 64, 16, 0); // windows 96 px, overlap 32 px
        FloatTensor image = TestSupport.random(3, 2, 3, 200, 328);
        FloatTensor z = tiled.encode(image);
        int encodeCalls = codec.calls.getAndSet(0);
        assertClose(codec.encode(image), z, 1e-5);
        assertEquals(tiled.tileCount(200, 328), encodeCalls);
        assertTrue(encodeCalls > 4, "tiled into " + encodeCalls);
        for (long[] s : codec.shapes.subList(0, encodeCalls)) {
            assertTrue(s[2] <= 96 && s[3] <= 96, "each call sees at most one window: " + java.util.Arrays.toString(s));
        }
        assertClose(codec.decode(z), tiled.decode(z), 1e-5);
    }

    @Test
    void smallImagesGoThroughWholeAndProgressCountsTiles() throws Exception {
        BlockCodec codec = new BlockCodec();
        FloatTensor small = TestSupport.random(4, 1, 3, 96, 96);
        TiledAutoencoder tiled = new TiledAutoencoder(codec, 64, 16, 0);
        tiled.encode(small);
        assertEquals(1, codec.calls.get(), "one window covers a 96 px image");
        TiledAutoencoder lenient = new TiledAutoencoder(codec); // bundle geometry, untiled up to 1 Mpx
        FloatTensor z = TestSupport.random(5, 1, 3, 40, 40);
        FloatTensor expected = codec.decode(z);
        codec.calls.set(0);
        assertClose(expected, lenient.decode(z), 0);
        assertEquals(1, codec.calls.get());
        List<String> progress = new ArrayList<>();
        tiled.decode(z, (done, total, msg) -> progress.add(done + "/" + total));
        assertEquals(tiled.tileCount(320, 320) + 1, progress.size());
        assertEquals(progress.get(progress.size() - 1), tiled.tileCount(320, 320) + "/" + tiled.tileCount(320, 320));
    }

    @Test
    void geometryIsValidated() {
        BlockCodec codec = new BlockCodec();
        assertThrows(IllegalArgumentException.class, () -> new TiledAutoencoder(codec, 60, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new TiledAutoencoder(codec, 64, 12, 0));
        assertThrows(IllegalArgumentException.class, () -> new TiledAutoencoder(codec, 64, 32, 0));
    }
}
