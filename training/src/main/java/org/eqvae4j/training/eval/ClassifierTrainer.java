package org.eqvae4j.training.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import org.eqvae4j.export.arch.ImageClassifier;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.loss.LossKind;
import org.eqvae4j.export.training.ModelTrainingSetup;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.runtime.io.AtomicFolders;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.RunSchedule;
import org.eqvae4j.training.TrainingLoop;
import org.eqvae4j.training.TrainingSession;
import org.eqvae4j.training.data.Image8;

/**
 * Trains an {@link ImageClassifier} on labelled grey images with ONNX Runtime's training API and writes a
 * folder with {@code classifier.onnx} (outputs logits and features) and {@code classifier.json} (what it was
 * trained on, its test accuracy). It exists to give generated images a feature space: the Frechet distance
 * in these features is how the generator experiments score samples.
 */
public final class ClassifierTrainer {
    public static final String MODEL_FILE = "classifier.onnx";
    public static final String INFO_FILE = "classifier.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Training settings; Adam (0.9, 0.999) with an optional linear warm-up and a cosine learning-rate decay to zero. */
    public record Config(
            ImageClassifier.Config model,
            int steps,
            int batch,
            float learningRate,
            int warmupSteps,
            long seed,
            int threads) {
        public Config {
            if (steps < 1 || batch < 1 || !(learningRate > 0) || warmupSteps < 0 || threads < 0) {
                throw new IllegalArgumentException("classifier training: steps (" + steps + "), batch (" + batch
                        + ") and learning rate (" + learningRate + ") must be positive, warm-up (" + warmupSteps
                        + ") and threads ("
                        + threads + ") >= 0");
            }
        }

        public static Config defaults() {
            return new Config(ImageClassifier.Config.fashionMnist(), 3000, 64, 2e-3f, 0, 1, 0);
        }

        /** Steps, batch, warm-up and a cosine decay of the learning rate to zero, as {@link TrainingLoop} reads them; no checkpoints. */
        public RunSchedule run() {
            return new RunSchedule(steps, batch, learningRate, warmupSteps, RunSchedule.Decay.COSINE, seed, steps);
        }
    }

    /** What {@link #train} measured. */
    public record Result(Path folder, double testAccuracy, float finalLoss, int steps) {}

    private ClassifierTrainer() {}

    /**
     * Trains on ({@code train}, {@code trainLabels}), measures accuracy on ({@code test}, {@code testLabels}) and
     * writes {@code output} atomically (an existing folder is replaced only when the new one is complete).
     *
     * @param dataName recorded in classifier.json (where the data came from)
     * @param progress called with the step number after each step (may be null)
     */
    public static Result train(
            Config cfg,
            List<Image8> train,
            int[] trainLabels,
            List<Image8> test,
            int[] testLabels,
            String dataName,
            Path output,
            IntConsumer progress)
            throws IOException {
        int size = checkData(train, trainLabels, "training", cfg.model().classes());
        int testSize = checkData(test, testLabels, "test", cfg.model().classes());
        if (size != testSize) {
            throw new IllegalArgumentException(
                    "training images are " + size + " px but test images " + testSize + " px");
        }
        Weights weights = Weights.initialized(cfg.seed());
        Graph model = ImageClassifier.build(cfg.model(), weights);
        weights.finish();
        var setup = new ModelTrainingSetup(
                ImageClassifier.LOGITS,
                LossKind.CROSS_ENTROPY,
                List.of(),
                List.of(),
                OptimizerConfig.adamW(0.9f, 0.999f, 1e-8f, 0f));
        Path work = Files.createTempDirectory("eqvae-classifier-");
        try {
            Path artifacts = work.resolve("artifacts");
            setup.build(model).writeTo(artifacts);
            float lastLoss;
            Path exported = work.resolve(MODEL_FILE);
            try (TrainingSession s =
                    TrainingSession.open(artifacts, RuntimeOptions.DEFAULT.withThreads(cfg.threads()))) {
                lastLoss = runSteps(s, cfg, train, trainLabels, size, progress);
                s.exportModelForInference(exported, List.of(ImageClassifier.LOGITS, ImageClassifier.FEATURES));
            }
            double accuracy;
            try (ClassifierFeatures f =
                    ClassifierFeatures.open(exported, size, RuntimeOptions.threads(cfg.threads()))) {
                int[] predicted = f.predict(pixels(test, size), test.size());
                int correct = 0;
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == testLabels[i] ? 1 : 0;
                }
                accuracy = correct / (double) predicted.length;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("architecture", "image-classifier");
            info.put("channels", cfg.model().channels());
            info.put("width", cfg.model().width());
            info.put("classes", cfg.model().classes());
            info.put("featureSize", cfg.model().featureSize());
            info.put("imageSize", size);
            info.put("valueRange", List.of(0.0, 1.0));
            info.put("data", dataName);
            info.put("trainImages", train.size());
            info.put("steps", cfg.steps());
            info.put("batch", cfg.batch());
            info.put("learningRate", cfg.learningRate());
            if (cfg.warmupSteps() > 0) {
                info.put("warmupSteps", cfg.warmupSteps());
            }
            info.put("seed", cfg.seed());
            info.put("finalLoss", lastLoss);
            info.put("testImages", test.size());
            info.put("testAccuracy", Math.round(accuracy * 10000) / 10000.0);
            info.put("trainedBy", "eqvae4j train-classifier");
            info.put("trainedAt", Instant.now().toString());
            AtomicFolders.write(output, folder -> {
                Files.copy(exported, folder.resolve(MODEL_FILE));
                JSON.writeValue(folder.resolve(INFO_FILE).toFile(), info);
            });
            return new Result(output, accuracy, lastLoss, cfg.steps());
        } finally {
            AtomicFolders.deleteTree(work);
        }
    }

    private static float runSteps(
            TrainingSession s, Config cfg, List<Image8> train, int[] labels, int size, IntConsumer progress)
            throws IOException {
        Random random = new Random(cfg.seed());
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int px = size * size;
        float[] loss = {Float.NaN};
        try {
            TrainingLoop.run(
                    s,
                    cfg.run(),
                    null,
                    0,
                    new TrainingLoop.Hooks() {
                        private int cursor = n;

                        @Override
                        public double step(TrainingSession session, long step) {
                            // epochs of a shuffled order: the batches follow from the seed and the steps before
                            float[] x = new float[cfg.batch() * px];
                            long[] y = new long[cfg.batch()];
                            for (int b = 0; b < cfg.batch(); b++) {
                                if (cursor == n) {
                                    shuffle(order, random);
                                    cursor = 0;
                                }
                                int idx = order[cursor++];
                                copyPixels(train.get(idx), x, b * px);
                                y[b] = labels[idx];
                            }
                            loss[0] = session.trainStep(
                                    Tensor.ofFloats(ImageClassifier.IMAGE, new long[] {cfg.batch(), 1, size, size}, x),
                                    Tensor.ofLongs("target", new long[] {cfg.batch()}, y));
                            return loss[0];
                        }

                        @Override
                        public String log(long step, double stepLoss, double millis) {
                            if (progress != null) {
                                progress.accept((int) step);
                            }
                            return "";
                        }
                    },
                    ProgressListener.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("classifier training was interrupted");
        }
        return loss[0];
    }

    /** Row-major [N, 1, size, size] pixels in [0, 1]. */
    public static float[] pixels(List<Image8> images, int size) {
        float[] out = new float[images.size() * size * size];
        for (int i = 0; i < images.size(); i++) {
            copyPixels(images.get(i), out, i * size * size);
        }
        return out;
    }

    private static void copyPixels(Image8 img, float[] dst, int offset) {
        byte[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            dst[offset + i] = (d[i] & 0xff) / 255f;
        }
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int checkData(List<Image8> images, int[] labels, String what, int classes) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " images");
        }
        if (images.size() != labels.length) {
            throw new IllegalArgumentException(
                    what + " data: " + images.size() + " images but " + labels.length + " labels");
        }
        Image8 first = images.get(0);
        if (first.channels() != 1 || first.height() != first.width()) {
            throw new IllegalArgumentException(what + " images must be square and grey, got " + first.channels() + "x"
                    + first.height() + "x" + first.width());
        }
        for (int i = 0; i < images.size(); i++) {
            Image8 im = images.get(i);
            if (im.channels() != 1 || im.height() != first.height() || im.width() != first.width()) {
                throw new IllegalArgumentException(what + " image " + i + " is " + im.channels() + "x" + im.height()
                        + "x" + im.width() + ", the first is 1x" + first.height() + "x" + first.width());
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        what + " label " + i + " is " + labels[i] + ", expected 0.." + (classes - 1));
            }
        }
        return first.height();
    }
}
