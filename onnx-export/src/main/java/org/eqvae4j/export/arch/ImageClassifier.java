package org.eqvae4j.export.arch;

import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Value;

/**
 * A small all-convolutional image classifier whose pooled features serve as the feature space of a
 * Frechet distance between image sets (our stand-in for FID on data where Inception weights are neither
 * available nor meaningful, such as Fashion-MNIST).
 *
 * <pre>
 * conv0  3x3 s1  in -> w      ReLU
 * conv1  3x3 s2  w  -> 2w     ReLU
 * conv2  3x3 s1  2w -> 2w     ReLU
 * conv3  3x3 s2  2w -> 4w     ReLU
 * mean over H, W               -> features [N, 4w]
 * head   linear 4w -> classes  -> logits [N, classes]
 * </pre>
 *
 * Strided convolutions instead of pooling keep every op on the autodiff's covered list; global average
 * pooling makes the network accept any image size, though the features are only comparable at the size it
 * was trained on.
 */
public final class ImageClassifier {
    public static final String IMAGE = "image";
    public static final String LOGITS = "logits";
    public static final String FEATURES = "features";

    /**
     * @param channels image channels (1 for Fashion-MNIST)
     * @param width    channels of the first conv; features have {@code 4 * width}
     * @param classes  number of classes
     */
    public record Config(int channels, int width, int classes) {
        public Config {
            if (channels < 1 || width < 1 || classes < 2) {
                throw new IllegalArgumentException("ImageClassifier.Config: channels (" + channels + ") and width ("
                        + width + ") must be positive and classes (" + classes + ") at least 2");
            }
        }

        /** Fashion-MNIST: 1 channel, 10 classes, 128 features. */
        public static Config fashionMnist() {
            return new Config(1, 32, 10);
        }

        public int featureSize() {
            return 4 * width;
        }
    }

    private ImageClassifier() {}

    /** image [N, C, H, W] in [0, 1] -> logits [N, classes], features [N, 4w]. The caller calls {@link Weights#finish()}. */
    public static Graph build(Config cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("image_classifier");
        Layers l = new Layers(b, weights);
        Value x = b.input(IMAGE, DType.FLOAT, Shape.symbolic("batch", cfg.channels(), "height", "width"));
        long w = cfg.width();
        x = b.relu(l.conv2d("conv0", x, cfg.channels(), w, 3, 1, true));
        x = b.relu(l.conv2d("conv1", x, w, 2 * w, 3, 2, true));
        x = b.relu(l.conv2d("conv2", x, 2 * w, 2 * w, 3, 1, true));
        x = b.relu(l.conv2d("conv3", x, 2 * w, 4 * w, 3, 2, true));
        Value features = b.reduceMean(x, false, 2, 3);
        Value logits = l.linear("head", features, 4 * w, cfg.classes(), true);
        b.output(logits, LOGITS);
        b.output(features, FEATURES);
        return b.build();
    }
}
