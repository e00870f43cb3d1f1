package org.eqvae4j.export.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eqvae4j.export.graph.Tensor;

/**
 * The content of an ONNX Runtime training checkpoint: parameter values, optimizer state and a bag of
 * named properties. Maps keep the order of the file. {@link CheckpointFile} reads and writes it.
 *
 * @param trainable  parameters the optimizer updates, by name
 * @param frozen     parameters the model uses but does not train, by name
 * @param optimizer  optimizer state; empty means the optimizer starts at step 0 with zero moments
 * @param properties user properties (e.g. the learning rate to restore, the epoch)
 */
public record Checkpoint(
        Map<String, Tensor> trainable,
        Map<String, Tensor> frozen,
        Optional<OptimizerState> optimizer,
        Properties properties) {

    public Checkpoint {
        trainable = frozenCopy(trainable);
        frozen = frozenCopy(frozen);
        for (String name : frozen.keySet()) {
            if (trainable.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is both trainable and frozen");
            }
        }
    }

    /** A checkpoint of initial parameter values: no optimizer state, no properties. */
    public static Checkpoint ofParameters(Map<String, Tensor> trainable, Map<String, Tensor> frozen) {
        return new Checkpoint(trainable, frozen, Optional.empty(), Properties.EMPTY);
    }

    /**
     * The state of ONNX Runtime's single optimizer group ("group0").
     *
     * @param step                the number of optimizer steps taken
     * @param initialLearningRate the group's initial learning rate (ONNX Runtime does not restore the
     *                            current learning rate from it; see the training session)
     * @param moments             per trainable parameter its moment tensors, named "momentum0",
     *                            "momentum1" (AdamW: first and second moments; SGD: one unused buffer)
     */
    public record OptimizerState(long step, float initialLearningRate, Map<String, List<Tensor>> moments) {
        public OptimizerState {
            Map<String, List<Tensor>> copy = new LinkedHashMap<>();
            moments.forEach((name, tensors) -> copy.put(name, List.copyOf(tensors)));
            moments = Collections.unmodifiableMap(copy);
        }
    }

    /** Named scalar properties, by type as the file stores them. */
    public record Properties(Map<String, Long> ints, Map<String, Float> floats, Map<String, String> strings) {
        public static final Properties EMPTY = new Properties(Map.of(), Map.of(), Map.of());

        public Properties {
            ints = frozenCopy(ints);
            floats = frozenCopy(floats);
            strings = frozenCopy(strings);
        }

        public boolean isEmpty() {
            return ints.isEmpty() && floats.isEmpty() && strings.isEmpty();
        }
    }

    private static <V> Map<String, V> frozenCopy(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
