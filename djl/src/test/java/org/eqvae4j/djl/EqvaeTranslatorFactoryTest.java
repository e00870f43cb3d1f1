package org.eqvae4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslatorFactory;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle folder through plain DJL Criteria: DJL images in, latents as NDArrays out, and back. */
class EqvaeTranslatorFactoryTest {
    private static final Path ROOT = findRoot();
    private static final Path TAEF2 = ROOT.resolve("models/taef2");

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(p.resolve("eqvae"))) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void optModelPathAloneLoadsTheEncoderGraph(@TempDir Path dir) throws Exception {
        try (ZooModel<NDList, NDList> model = Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(TAEF2)
                        .build()
                        .loadModel();
                Predictor<NDList, NDList> p = model.newPredictor();
                NDManager nd = NDManager.newBaseManager()) {
            assertEquals(
                    "OnnxRuntime", model.getNDManager().getEngine().getEngineName(), "engine from serving.properties");
            NDList out = p.predict(new NDList(nd.zeros(new Shape(1, 3, 64, 64))));
            assertEquals(new Shape(1, 32, 8, 8), out.get(0).getShape(), "encoder.onnx: image -> latent");
        }
        // without serving.properties DJL looks for <folder>.onnx or model.onnx: the failure this file fixes
        Path bare = Files.createDirectories(dir.resolve("kl-vae-small"));
        for (String f : new String[] {"model.json", "encoder.onnx", "decoder.onnx"}) {
            Files.copy(ROOT.resolve("models/kl-vae-small").resolve(f), bare.resolve(f));
        }
        Criteria<NDList, NDList> plain = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(bare)
                .optEngine("OnnxRuntime")
                .build();
        FileNotFoundException e = assertThrows(FileNotFoundException.class, plain::loadModel);
        assertTrue(e.getMessage().contains(".onnx file not found"), e.getMessage());
    }

    @Test
    void imageToLatentAndBackMatchTheRuntime() throws Exception {
        BufferedImage photo = ImageIO.read(
                        ROOT.resolve("test-images/photos/chelsea.png").toFile())
                .getSubimage(100, 30, 130, 100);
        Image image = ImageFactory.getInstance().fromImage(photo);
        FloatTensor x = LatentTransform.cropToMultiple(ImageFiles.fromBufferedImage(photo), 8);
        Criteria<Image, NDArray> encoder = Criteria.builder()
                .setTypes(Image.class, NDArray.class)
                .optModelPath(TAEF2)
                .optTranslatorFactory(new EqvaeTranslatorFactory())
                .build();
        Criteria<NDArray, Image> decoder = Criteria.builder()
                .setTypes(NDArray.class, Image.class)
                .optModelPath(TAEF2)
                .optModelName("decoder")
                .optArgument("translatorFactory", EqvaeTranslatorFactory.class.getName())
                .build();
        try (ZooModel<Image, NDArray> enc = encoder.loadModel();
                ZooModel<NDArray, Image> dec = decoder.loadModel();
                Predictor<Image, NDArray> e = enc.newPredictor();
                Predictor<NDArray, Image> d = dec.newPredictor();
                Autoencoder runtime = Autoencoder.open(ModelBundle.open(TAEF2), 2)) {
            NDArray latent = e.predict(image);
            FloatTensor z = runtime.encode(x);
            assertEquals(new Shape(1, 32, 12, 16), latent.getShape(), "130 x 100 cropped to 128 x 96, / 8");
            assertTrue(
                    maxAbsDiff(z.data(), latent.toFloatArray()) < 1e-4,
                    "latent vs runtime: " + maxAbsDiff(z.data(), latent.toFloatArray()));
            Image back = d.predict(latent);
            assertEquals(128, back.getWidth());
            assertEquals(96, back.getHeight());
            assertEquals(
                    0,
                    maxByteDiff(runtime.decode(z), (BufferedImage) back.getWrappedImage()),
                    "decoded pixels vs runtime");
            Exception wrong = assertThrows(
                    Exception.class,
                    () -> Criteria.builder()
                            .setTypes(Image.class, NDArray.class)
                            .optModelPath(TAEF2)
                            .optModelName("decoder")
                            .optTranslatorFactory(new EqvaeTranslatorFactory())
                            .build()
                            .loadModel());
            assertTrue(causes(wrong).contains("optModelName(\"encoder\")"), causes(wrong));
        }
    }

    @Test
    void largeImagesTileThroughTheRuntime() throws Exception {
        BufferedImage photo = ImageIO.read(
                        ROOT.resolve("test-images/photos/coffee.png").toFile())
                .getSubimage(200, 100, 192, 160);
        FloatTensor x = ImageFiles.fromBufferedImage(photo);
        Criteria<Image, NDArray> tiled = Criteria.builder()
                .setTypes(Image.class, NDArray.class)
                .optModelPath(TAEF2)
                .optTranslatorFactory(new EqvaeTranslatorFactory())
                .optArgument("tiling", "always")
                .optArgument("tileSize", "96")
                .optArgument("tileHalo", "16")
                .build();
        Criteria<NDArray, Image> tiledDecoder = Criteria.builder()
                .setTypes(NDArray.class, Image.class)
                .optModelPath(TAEF2)
                .optModelName("decoder")
                .optTranslatorFactory(new EqvaeTranslatorFactory())
                .optArgument("tiling", "always")
                .optArgument("tileSize", "96")
                .optArgument("tileHalo", "16")
                .build();
        try (ZooModel<Image, NDArray> enc = tiled.loadModel();
                ZooModel<NDArray, Image> dec = tiledDecoder.loadModel();
                Predictor<Image, NDArray> e = enc.newPredictor();
                Predictor<NDArray, Image> d = dec.newPredictor();
                Autoencoder runtime = Autoencoder.open(ModelBundle.open(TAEF2), 2)) {
            TiledAutoencoder runtimeTiled = new TiledAutoencoder(runtime, 96, 16, 0);
            assertTrue(runtimeTiled.tileCount(160, 192) > 1, "the case is tiled");
            NDArray latent = e.predict(ImageFactory.getInstance().fromImage(photo));
            FloatTensor z = runtimeTiled.encode(x);
            assertEquals(
                    0,
                    maxAbsDiff(z.data(), latent.toFloatArray()),
                    1e-6,
                    "DJL's tiled latent is the runtime's tiled latent");
            FloatTensor whole = runtime.encode(x);
            assertTrue(
                    relativeRms(whole.data(), z.data()) < 0.02,
                    "tiled vs whole latent: " + relativeRms(whole.data(), z.data()));
            Image back = d.predict(latent);
            assertEquals(
                    0,
                    maxByteDiff(runtimeTiled.decode(z), (BufferedImage) back.getWrappedImage()),
                    "tiled decode vs runtime");
        }
        Exception bad = assertThrows(
                Exception.class,
                () -> Criteria.builder()
                        .setTypes(Image.class, NDArray.class)
                        .optModelPath(TAEF2)
                        .optTranslatorFactory(new EqvaeTranslatorFactory())
                        .optArgument("tiling", "sometimes")
                        .build()
                        .loadModel());
        assertTrue(causes(bad).contains("auto, always or never"), causes(bad));
    }

    @Test
    void theFactoryIsAServiceAndRefusesOtherTypes() {
        assertTrue(ServiceLoader.load(TranslatorFactory.class).stream()
                .anyMatch(p -> p.type() == EqvaeTranslatorFactory.class));
        EqvaeTranslatorFactory f = new EqvaeTranslatorFactory();
        assertTrue(f.isSupported(Image.class, NDArray.class) && f.isSupported(NDArray.class, Image.class));
        assertTrue(!f.isSupported(NDList.class, NDList.class));
    }

    private static String causes(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c).append(" | ");
        }
        return s.toString();
    }

    private static int maxByteDiff(FloatTensor expected, BufferedImage actual) {
        int m = 0;
        for (int y = 0; y < expected.height(); y++) {
            for (int x = 0; x < expected.width(); x++) {
                int rgb = actual.getRGB(x, y);
                int[] got = {(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255};
                for (int c = 0; c < 3; c++) {
                    m = Math.max(m, Math.abs(ImageFiles.toByte(expected.get(0, c, y, x)) - got[c]));
                }
            }
        }
        return m;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertArrayEquals(new int[] {a.length}, new int[] {b.length});
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double relativeRms(float[] ref, float[] x) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }
}
