package org.eqvae4j.export.arch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.export.graph.Tensor;

/** Parameters taken from a state dict by name, with every mismatch collected for one clear error. */
final class LoadedWeights implements Weights {
    private final Map<String, Tensor> stateDict;
    private final String prefix;
    private final String sourceName;
    private final Set<String> used = new LinkedHashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> misshaped = new ArrayList<>();

    LoadedWeights(Map<String, Tensor> stateDict, String prefix, String sourceName) {
        this.stateDict = stateDict;
        this.prefix = prefix == null ? "" : prefix;
        this.sourceName = sourceName;
    }

    @Override
    public Tensor get(String name, Init init, long fanIn, long... shape) {
        String key = prefix + name;
        Tensor t = stateDict.get(key);
        if (t == null) {
            missing.add(key + " " + Arrays.toString(shape));
            return Tensor.ofFloats(name, shape, new float[Math.toIntExact(Tensor.numElements(shape))]);
        }
        used.add(key);
        if (!t.dtype().isFloatingPoint()) {
            misshaped.add(key + " has dtype " + t.dtype() + ", expected a floating-point tensor");
            return Tensor.ofFloats(name, shape, new float[Math.toIntExact(Tensor.numElements(shape))]);
        }
        long[] dims = t.dims();
        if (!Arrays.equals(dims, shape)) {
            // 1x1 convs stored as linear layers (and the reverse) are the same numbers
            if (Tensor.numElements(dims) == Tensor.numElements(shape) && squeezedEqual(dims, shape)) {
                return t.toFloat32().reshaped(shape).renamed(name);
            }
            misshaped.add(key + " is " + Arrays.toString(dims) + ", expected " + Arrays.toString(shape));
            return Tensor.ofFloats(name, shape, new float[Math.toIntExact(Tensor.numElements(shape))]);
        }
        return t.toFloat32().renamed(name);
    }

    private static boolean squeezedEqual(long[] a, long[] b) {
        return Arrays.equals(Arrays.stream(a).filter(d -> d != 1).toArray(), Arrays.stream(b).filter(d -> d != 1).toArray());
    }

    @Override
    public void finish() {
        List<String> unexpected = new ArrayList<>();
        for (String k : stateDict.keySet()) {
            if (k.startsWith(prefix) && !used.contains(k)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !misshaped.isEmpty() || !unexpected.isEmpty()) {
            throw new WeightMismatchException(sourceName, missing, unexpected, misshaped);
        }
    }
}
