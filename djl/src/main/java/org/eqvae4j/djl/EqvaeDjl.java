package org.eqvae4j.djl;

import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.translate.Translator;
import java.io.IOException;
import java.nio.file.Path;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * DJL {@link Criteria} for a bundle folder's encoder and decoder on DJL's ONNX Runtime engine, e.g.
 *
 * <pre>{@code
 * try (ZooModel<Image, FloatTensor> enc = EqvaeDjl.imageEncoder(Path.of("models/taef2"), 2).loadModel();
 *      ZooModel<FloatTensor, FloatTensor> dec = EqvaeDjl.decoder(Path.of("models/taef2"), 2).loadModel();
 *      Predictor<Image, FloatTensor> e = enc.newPredictor(); Predictor<FloatTensor, FloatTensor> d = dec.newPredictor()) {
 *     FloatTensor image = d.predict(e.predict(ImageFactory.getInstance().fromFile(Path.of("cat.png"))));
 * }
 * }</pre>
 *
 * The bundle's model.json is read and checked first (as runtime does), so a broken bundle fails with
 * runtime's message naming the file. Latents and images are runtime's {@link FloatTensor}s, so they go
 * on to {@code LatentTransform}, {@code LatentFile} and {@code ImageFiles}.
 */
public final class EqvaeDjl {
    /** DJL's name of its ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";

    private EqvaeDjl() {}

    /** Images [N, C, H, W] in [0, 1] to raw latents; {@code threads} ONNX Runtime threads, 0 = its default. */
    public static Criteria<FloatTensor, FloatTensor> encoder(Path bundleDir, int threads) throws IOException {
        ModelBundle b = ModelBundle.open(bundleDir);
        return criteria(b, ModelManifest.ENCODER, FloatTensor.class, new EncodeTranslator(b.manifest()), threads);
    }

    /** DJL images to raw latents (see {@link ImageEncodeTranslator}). */
    public static Criteria<Image, FloatTensor> imageEncoder(Path bundleDir, int threads) throws IOException {
        ModelBundle b = ModelBundle.open(bundleDir);
        return criteria(b, ModelManifest.ENCODER, Image.class, new ImageEncodeTranslator(b.manifest()), threads);
    }

    /** Raw latents to images [N, C, H, W] in [0, 1]. */
    public static Criteria<FloatTensor, FloatTensor> decoder(Path bundleDir, int threads) throws IOException {
        ModelBundle b = ModelBundle.open(bundleDir);
        return criteria(b, ModelManifest.DECODER, FloatTensor.class, new DecodeTranslator(b.manifest()), threads);
    }

    private static <I> Criteria<I, FloatTensor> criteria(
            ModelBundle b, String role, Class<I> input, Translator<I, FloatTensor> translator, int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException(
                    "thread count must be >= 0 (0 = ONNX Runtime's default), got " + threads);
        }
        String file = b.file(role).getFileName().toString();
        Criteria.Builder<I, FloatTensor> c = Criteria.builder()
                .setTypes(input, FloatTensor.class)
                .optEngine(ENGINE)
                .optModelPath(b.root())
                .optModelName(file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file)
                .optTranslator(translator);
        if (threads > 0) {
            // DJL 0.38's OrtModel applies intraOpNumThreads only when interOpNumThreads is given too
            c = c.optOption("interOpNumThreads", "1").optOption("intraOpNumThreads", String.valueOf(threads));
        }
        return c.build();
    }
}
