package org.eqvae4j.training.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.export.arch.ImageClassifier;
import org.eqvae4j.runtime.ort.RuntimeOptions;

/**
 * Features and predictions of an {@link ImageClassifier} exported as ONNX (e.g. the shipped
 * {@code models/fmnist-classifier/classifier.onnx}): the feature space of {@link FrechetDistance}.
 * Images are single-channel, row-major [N, 1, size, size] in [0, 1]. Not thread-safe across calls that
 * share this object's session options; one instance per thread is cheap enough.
 */
public final class ClassifierFeatures implements AutoCloseable {
    private static final int BATCH = 256;
    private final OrtSession session;
    private final Path file;
    private final int size;
    private final int featureSize;
    private final int classes;

    private ClassifierFeatures(OrtSession session, Path file, int size, int featureSize, int classes) {
        this.session = session;
        this.file = file;
        this.size = size;
        this.featureSize = featureSize;
        this.classes = classes;
    }

    /** Opens a classifier for 28 x 28 grey images (Fashion-MNIST). */
    public static ClassifierFeatures open(Path onnx, RuntimeOptions options) throws IOException {
        return open(onnx, 28, options);
    }

    /** Opens a classifier for {@code size} x {@code size} grey images. */
    public static ClassifierFeatures open(Path onnx, int size, RuntimeOptions options) throws IOException {
        if (!Files.isRegularFile(onnx)) {
            throw new IOException(
                    "classifier model " + onnx + " does not exist (train one with `eqvae train-classifier`)");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession s = null;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) {
                o.setIntraOpNumThreads(options.intraOpThreads());
            }
            s = env.createSession(onnx.toString(), o);
            if (!s.getInputNames().contains(ImageClassifier.IMAGE)
                    || !s.getOutputNames().contains(ImageClassifier.FEATURES)
                    || !s.getOutputNames().contains(ImageClassifier.LOGITS)) {
                throw new IOException(
                        "classifier model " + onnx + " needs input '" + ImageClassifier.IMAGE + "' and outputs '"
                                + ImageClassifier.LOGITS + "', '" + ImageClassifier.FEATURES + "'; it has "
                                + s.getInputNames() + " -> "
                                + s.getOutputNames());
            }
            // probe once for the output widths
            float[] probe = new float[size * size];
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(probe), new long[] {1, 1, size, size});
                    OrtSession.Result r = s.run(Map.of(ImageClassifier.IMAGE, in))) {
                int f = (int) ((OnnxTensor) r.get(ImageClassifier.FEATURES).orElseThrow())
                        .getInfo()
                        .getShape()[1];
                int c = (int) ((OnnxTensor) r.get(ImageClassifier.LOGITS).orElseThrow())
                        .getInfo()
                        .getShape()[1];
                return new ClassifierFeatures(s, onnx, size, f, c);
            }
        } catch (OrtException e) {
            if (s != null) {
                closeQuietly(s);
            }
            throw new IOException(
                    "classifier model " + onnx + " cannot be loaded or run on a " + size + "x" + size + " grey image: "
                            + e.getMessage(),
                    e);
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                closeQuietly(s);
            }
            throw e;
        }
    }

    public int featureSize() {
        return featureSize;
    }

    public int classes() {
        return classes;
    }

    public int imageSize() {
        return size;
    }

    /** Features of {@code count} images, one row each. */
    public double[][] features(float[] images, int count) throws IOException {
        double[][] out = new double[count][];
        run(images, count, out, null);
        return out;
    }

    /** The most likely class of each image. */
    public int[] predict(float[] images, int count) throws IOException {
        int[] out = new int[count];
        run(images, count, null, out);
        return out;
    }

    private void run(float[] images, int count, double[][] features, int[] predictions) throws IOException {
        int px = size * size;
        if (count < 0 || images.length != (long) count * px) {
            throw new IllegalArgumentException("expected " + count + " images of " + size + "x" + size + " ("
                    + (long) count * px + " values), got " + images.length + " values");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int start = 0; start < count; start += BATCH) {
            int n = Math.min(BATCH, count - start);
            FloatBuffer fb = FloatBuffer.wrap(images, start * px, n * px).slice();
            try (OnnxTensor in = OnnxTensor.createTensor(env, fb, new long[] {n, 1, size, size});
                    OrtSession.Result r = session.run(
                            Map.of(ImageClassifier.IMAGE, in),
                            Set.of(ImageClassifier.FEATURES, ImageClassifier.LOGITS))) {
                if (features != null) {
                    FloatBuffer f =
                            ((OnnxTensor) r.get(ImageClassifier.FEATURES).orElseThrow()).getFloatBuffer();
                    for (int i = 0; i < n; i++) {
                        double[] row = new double[featureSize];
                        for (int j = 0; j < featureSize; j++) {
                            row[j] = f.get(i * featureSize + j);
                        }
                        features[start + i] = row;
                    }
                }
                if (predictions != null) {
                    FloatBuffer l = ((OnnxTensor) r.get(ImageClassifier.LOGITS).orElseThrow()).getFloatBuffer();
                    for (int i = 0; i < n; i++) {
                        int best = 0;
                        for (int j = 1; j < classes; j++) {
                            if (l.get(i * classes + j) > l.get(i * classes + best)) {
                                best = j;
                            }
                        }
                        predictions[start + i] = best;
                    }
                }
            } catch (OrtException e) {
                throw new IOException(
                        "classifier " + file + " failed on images " + start + ".." + (start + n - 1) + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // closing a session that failed to start; the original error matters
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }
}
