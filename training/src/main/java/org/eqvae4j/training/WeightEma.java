package org.eqvae4j.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.weights.SafetensorsWriter;
import org.eqvae4j.export.weights.StateDict;

/**
 * An exponential moving average of a model's weights, kept in Java beside ONNX Runtime's training session:
 * after each optimizer step {@code ema = decay * ema + (1 - decay) * w} per value (in double, rounded to float),
 * from the weights the session holds. Saved with each checkpoint as safetensors so a resumed run continues
 * the same average.
 */
public final class WeightEma {
    private final Map<String, float[]> averages;
    private final Map<String, long[]> shapes;

    /** An average that starts at the given weights (by name, in this order). */
    public WeightEma(Map<String, Tensor> start) {
        this.averages = new LinkedHashMap<>();
        this.shapes = new LinkedHashMap<>();
        start.forEach((name, t) -> {
            averages.put(name, t.toFloats().clone());
            shapes.put(name, t.dims());
        });
    }

    /**
     * Folds the current weights in: {@code current} gives the value of each averaged weight by name.
     *
     * @throws IllegalArgumentException when a value's size differs from the average's
     */
    public void update(Function<String, float[]> current, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
        }
        for (Map.Entry<String, float[]> a : averages.entrySet()) {
            float[] cur = current.apply(a.getKey());
            float[] e = a.getValue();
            if (cur.length != e.length) {
                throw new IllegalArgumentException(
                        "weight " + a.getKey() + " has " + cur.length + " values, its average " + e.length);
            }
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) (decay * e[i] + (1 - decay) * cur[i]);
            }
        }
    }

    /** The averages as arrays by name (live: they change with {@link #update}). */
    public Map<String, float[]> values() {
        return Collections.unmodifiableMap(averages);
    }

    public Map<String, long[]> shapes() {
        return Collections.unmodifiableMap(shapes);
    }

    /** A copy of the averages as tensors by name. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        averages.forEach((name, v) -> out.put(name, Tensor.ofFloats(name, shapes.get(name), v.clone())));
        return out;
    }

    /** Writes the averages as a safetensors file (atomically). */
    public void write(Path file) throws IOException {
        SafetensorsWriter.write(file, StateDict.of(new ArrayList<>(tensors().values())));
    }

    /**
     * Reads averages written by {@link #write}; they must hold exactly the weights of {@code like}, with the same
     * shapes, or the message names the file and what differs.
     */
    public static WeightEma read(Path file, Map<String, Tensor> like) throws IOException {
        StateDict saved = StateDict.read(file);
        if (!new TreeSet<>(saved.names()).equals(new TreeSet<>(like.keySet()))) {
            List<String> missing = new ArrayList<>(like.keySet());
            missing.removeAll(saved.names());
            List<String> extra = new ArrayList<>(saved.names());
            extra.removeAll(like.keySet());
            throw new IOException(file + " does not hold the model's weight averages (missing " + abbreviate(missing)
                    + ", not the model's " + abbreviate(extra) + "); the run folder is inconsistent");
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : like.keySet()) {
            Tensor t = saved.get(name);
            if (!Arrays.equals(t.dims(), like.get(name).dims())) {
                throw new IOException(file + ": weight average " + name + " has shape " + Arrays.toString(t.dims())
                        + ", the model's " + Arrays.toString(like.get(name).dims())
                        + "; the run folder is inconsistent");
            }
            ordered.put(name, t);
        }
        return new WeightEma(ordered);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? names.toString() : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }
}
