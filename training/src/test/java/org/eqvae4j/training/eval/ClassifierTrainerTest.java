package org.eqvae4j.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.eqvae4j.export.arch.ImageClassifier;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains the feature classifier briefly on 800 committed Fashion-MNIST images and checks what it learned. */
@Tag("slow") // real training: 600 steps on 800 Fashion-MNIST images (mvn -Pslow runs it)
class ClassifierTrainerTest {
    private static final Path DATA = RepositoryRoot.resolve("test-images/fashion-mnist");

    @Test
    void learnsFashionMnistAndWritesAUsableFeatureNetwork(@TempDir Path dir) throws Exception {
        List<Image8> images = IdxFile.readImages(DATA.resolve("t10k-1000-images-idx3-ubyte.gz"));
        int[] labels = IdxFile.readLabels(DATA.resolve("t10k-1000-labels-idx1-ubyte.gz"));
        List<Image8> train = images.subList(0, 800);
        List<Image8> test = images.subList(800, 1000);
        var cfg = new ClassifierTrainer.Config(new ImageClassifier.Config(1, 16, 10), 600, 32, 3e-3f, 0, 5, 1);
        Path out = dir.resolve("clf");
        ClassifierTrainer.Result r = ClassifierTrainer.train(
                cfg,
                train,
                Arrays.copyOf(labels, 800),
                test,
                Arrays.copyOfRange(labels, 800, 1000),
                "test subset",
                out,
                null);

        // chance is 10 %; 600 steps of this CNN reach well above 60 % on 10 classes
        assertTrue(r.testAccuracy() > 0.6, "test accuracy " + r.testAccuracy());
        JsonNode info = new ObjectMapper()
                .readTree(out.resolve(ClassifierTrainer.INFO_FILE).toFile());
        assertEquals(r.testAccuracy(), info.get("testAccuracy").asDouble(), 1e-4);
        assertEquals(64, info.get("featureSize").asInt());

        try (ClassifierFeatures f =
                ClassifierFeatures.open(out.resolve(ClassifierTrainer.MODEL_FILE), RuntimeOptions.threads(1))) {
            assertEquals(64, f.featureSize());
            assertEquals(10, f.classes());
            float[] px = ClassifierTrainer.pixels(test, 28);
            double[][] feats = f.features(px, test.size());
            assertEquals(200, feats.length);
            // the same images have no distance; two different classes' images are far apart
            double same = FrechetDistance.between(Arrays.copyOf(feats, 100), Arrays.copyOf(feats, 100));
            assertEquals(0, same, 1e-6);
            double[][] trouser = byClass(f, test, labels, 800, 1);
            double[][] bag = byClass(f, test, labels, 800, 8);
            double[][] trouser2 = byClass(f, train, labels, 0, 1);
            double apart = FrechetDistance.between(trouser, bag);
            double together = FrechetDistance.between(trouser, trouser2);
            assertTrue(apart > 3 * together, "FD trousers vs bags " + apart + ", trousers vs trousers " + together);
        }
    }

    private static double[][] byClass(ClassifierFeatures f, List<Image8> images, int[] labels, int offset, int label)
            throws Exception {
        List<Image8> pick = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            if (labels[offset + i] == label) {
                pick.add(images.get(i));
            }
        }
        return f.features(ClassifierTrainer.pixels(pick, 28), pick.size());
    }

    @Test
    void refusesMismatchedLabelsAndMissingModels(@TempDir Path dir) throws Exception {
        List<Image8> images = IdxFile.readImages(DATA.resolve("t10k-1000-images-idx3-ubyte.gz"))
                .subList(0, 10);
        var cfg = new ClassifierTrainer.Config(new ImageClassifier.Config(1, 4, 10), 1, 2, 1e-3f, 0, 1, 1);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassifierTrainer.train(
                        cfg, images, new int[9], images, new int[10], "x", dir.resolve("o"), null));
        assertTrue(e.getMessage().contains("10 images but 9 labels"), e.getMessage());
        int[] bad = new int[10];
        bad[3] = 12;
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassifierTrainer.train(cfg, images, bad, images, new int[10], "x", dir.resolve("o"), null));
        assertTrue(e.getMessage().contains("label 3 is 12"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("o")), "nothing written on bad input");
        var io = assertThrows(
                java.io.IOException.class,
                () -> ClassifierFeatures.open(dir.resolve("none.onnx"), RuntimeOptions.threads(1)));
        assertTrue(io.getMessage().contains("none.onnx"), io.getMessage());
    }
}
