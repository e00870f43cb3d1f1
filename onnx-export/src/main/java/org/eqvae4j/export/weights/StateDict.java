package org.eqvae4j.export.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.Tensor;

/**
 * An immutable, insertion-ordered set of named tensors, as a checkpoint stores them, plus the
 * string metadata a safetensors header may carry (empty for PyTorch checkpoints).
 */
public final class StateDict {
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private StateDict(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public static StateDict of(List<Tensor> tensors) {
        return of(tensors, Map.of());
    }

    /** @throws IllegalArgumentException if two tensors share a name */
    public static StateDict of(List<Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
        }
        return new StateDict(byName, metadata);
    }

    /**
     * Reads a safetensors file or a PyTorch zip checkpoint (.pth/.pt/.ckpt), telling them apart by
     * content because extensions are unreliable ('.ckpt' and '.bin' are used for both).
     */
    public static StateDict read(Path file) throws WeightFileException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(9);
        } catch (IOException e) {
            throw WeightFileException.wrap(file, e);
        }
        if (head.length == 0) {
            throw new WeightFileException(file, "empty file");
        }
        if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') {
            return TorchCheckpointReader.read(file);
        }
        if (head.length == 9 && head[8] == '{') {
            return SafetensorsReader.read(file);
        }
        if ((head[0] & 0xff) == 0x80) {
            throw new WeightFileException(
                    file,
                    "a bare pickle (the legacy torch.save format before PyTorch 1.6?);"
                            + " only zip checkpoints are supported: re-save it with a current torch.save");
        }
        throw new WeightFileException(
                file,
                "neither safetensors nor a PyTorch zip checkpoint (starts with 0x"
                        + HexFormat.of().formatHex(head) + ")");
    }

    /** @throws IllegalArgumentException if there is no such tensor */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' among " + tensors.size());
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Name to tensor, in file order; unmodifiable. */
    public Map<String, Tensor> asMap() {
        return tensors;
    }

    public Collection<Tensor> tensors() {
        return tensors.values();
    }

    public int size() {
        return tensors.size();
    }

    /** Total element count over all tensors. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(Tensor::numElements).sum();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "StateDict[" + size() + " tensors, " + parameterCount() + " parameters]";
    }
}
