package org.eqvae4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.metrics.ImageMetrics;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TAEF2 through DJL's Predictor on its ONNX Runtime engine, against runtime's own Autoencoder. */
class EqvaeDjlTest {
    private static final Path ROOT = RepositoryRoot.get();
    private static final Path TAEF2 = ROOT.resolve("models/taef2");
    private static ZooModel<Image, FloatTensor> encoder;
    private static ZooModel<FloatTensor, FloatTensor> decoder;
    private static Autoencoder runtime;

    @BeforeAll
    static void load() throws Exception {
        encoder = EqvaeDjl.imageEncoder(TAEF2, 2).loadModel();
        decoder = EqvaeDjl.decoder(TAEF2, 2).loadModel();
        runtime = Autoencoder.open(ModelBundle.open(TAEF2), 2);
    }

    @AfterAll
    static void close() {
        encoder.close();
        decoder.close();
        runtime.close();
    }

    @Test
    void theEngineRunsOnOurPinnedOnnxRuntimeNotDjls() throws Exception {
        assertEquals("OnnxRuntime", encoder.getNDManager().getEngine().getEngineName());
        assertEquals("1.28.0", OrtEnvironment.getEnvironment().getVersion());
    }

    @Test
    void encodeAndDecodeThroughDjlMatchTheRuntime() throws Exception {
        BufferedImage photo = ImageIO.read(
                        ROOT.resolve("test-images/photos/chelsea.png").toFile())
                .getSubimage(120, 40, 131, 100);
        Image image = ImageFactory.getInstance().fromImage(photo);
        ImageEncodeTranslator t =
                new ImageEncodeTranslator(ModelBundle.open(TAEF2).manifest());
        FloatTensor x = t.pixels(image);
        assertArrayEquals(new long[] {1, 3, 96, 128}, x.shape(), "cropped to multiples of 8");
        try (Predictor<Image, FloatTensor> enc = encoder.newPredictor();
                Predictor<FloatTensor, FloatTensor> dec = decoder.newPredictor()) {
            FloatTensor z = enc.predict(image);
            FloatTensor zRuntime = runtime.encode(x);
            assertArrayEquals(zRuntime.shape(), z.shape());
            assertTrue(maxAbsDiff(zRuntime, z) < 1e-4, "latents differ by " + maxAbsDiff(zRuntime, z));
            FloatTensor y = dec.predict(z);
            FloatTensor yRuntime = runtime.decode(zRuntime);
            double psnr = ImageMetrics.psnrUint8(x, y);
            double psnrRuntime = ImageMetrics.psnrUint8(x, yRuntime);
            assertTrue(psnr > 25, "round trip through DJL: " + psnr + " dB");
            assertEquals(psnrRuntime, psnr, 1e-4, "PSNR through DJL vs runtime");
            assertTrue(maxAbsDiff(yRuntime, y) < 1e-4, "images differ by " + maxAbsDiff(yRuntime, y));
        }
    }

    @Test
    void greyImagesAndTensorInputsWorkAndBadLatentsAreRefused() throws Exception {
        BufferedImage grey = ImageIO.read(
                ROOT.resolve("test-images/photos/microaneurysms.png").toFile());
        try (ZooModel<FloatTensor, FloatTensor> tensorEncoder =
                        EqvaeDjl.encoder(TAEF2, 1).loadModel();
                Predictor<FloatTensor, FloatTensor> enc = tensorEncoder.newPredictor();
                Predictor<Image, FloatTensor> imageEnc = encoder.newPredictor();
                Predictor<FloatTensor, FloatTensor> dec = decoder.newPredictor()) {
            FloatTensor z = imageEnc.predict(ImageFactory.getInstance().fromImage(grey));
            assertArrayEquals(new long[] {1, 32, 12, 12}, z.shape(), "102 px grey cropped to 96, as RGB");
            FloatTensor x = new ImageEncodeTranslator(ModelBundle.open(TAEF2).manifest())
                    .pixels(ImageFactory.getInstance().fromImage(grey));
            assertTrue(maxAbsDiff(enc.predict(x), z) < 1e-6, "tensor and image encoders agree");
            TranslateException e =
                    assertThrows(TranslateException.class, () -> dec.predict(FloatTensor.zeros(1, 16, 4, 4)));
            assertTrue(
                    String.valueOf(
                                    e.getCause() == null
                                            ? e.getMessage()
                                            : e.getCause().getMessage())
                            .contains("32-channel"),
                    e.toString());
            TranslateException odd =
                    assertThrows(TranslateException.class, () -> enc.predict(FloatTensor.zeros(1, 3, 30, 32)));
            assertTrue(
                    String.valueOf(
                                    odd.getCause() == null
                                            ? odd.getMessage()
                                            : odd.getCause().getMessage())
                            .contains("multiple"),
                    odd.toString());
        }
    }

    @Test
    void aBundleWithoutModelJsonFailsWithRuntimesMessage(@TempDir Path dir) {
        Exception e = assertThrows(Exception.class, () -> EqvaeDjl.decoder(dir, 0));
        assertTrue(e instanceof BundleException || e instanceof java.io.IOException, e.toString());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EqvaeDjl.decoder(TAEF2, -1));
    }

    private static double maxAbsDiff(FloatTensor a, FloatTensor b) {
        double m = 0;
        for (int i = 0; i < a.data().length; i++) {
            m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        }
        return m;
    }
}
