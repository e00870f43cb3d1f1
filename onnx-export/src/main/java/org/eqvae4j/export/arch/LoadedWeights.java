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

    /** Shared by all prefix views of one source. */
    private record Bookkeeping(
            Map<String, Tensor> stateDict,
            String sourceName,
            Set<String> used,
            List<String> missing,
            List<String> misshaped) {}

    private final Bookkeeping book;
    private final String prefix;

    LoadedWeights(Map<String, Tensor> stateDict, String sourceName) {
        this(new Bookkeeping(stateDict, sourceName, new LinkedHashSet<>(), new ArrayList<>(), new ArrayList<>()), "");
    }

    private LoadedWeights(Bookkeeping book, String prefix) {
        this.book = book;
        this.prefix = prefix;
    }

    @Override
    public Weights withPrefix(String p) {
        return new LoadedWeights(book, prefix + p);
    }

    @Override
    public Tensor get(String name, Init init, long fanIn, long... shape) {
        String key = prefix + name;
        Tensor t = book.stateDict().get(key);
        if (t == null) {
            book.missing().add(key + " " + Arrays.toString(shape));
            return zeros(name, shape);
        }
        book.used().add(key);
        if (!t.dtype().isFloatingPoint()) {
            book.misshaped().add(key + " has dtype " + t.dtype() + ", expected a floating-point tensor");
            return zeros(name, shape);
        }
        long[] dims = t.dims();
        if (!Arrays.equals(dims, shape)) {
            // a 1x1 conv stored as a linear layer (and the reverse) holds the same numbers
            if (Arrays.equals(squeeze(dims), squeeze(shape))) {
                return t.toFloat32().reshaped(shape).renamed(name);
            }
            book.misshaped().add(key + " is " + Arrays.toString(dims) + ", expected " + Arrays.toString(shape));
            return zeros(name, shape);
        }
        return t.toFloat32().renamed(name);
    }

    @Override
    public void ignore(String name) {
        String key = prefix + name;
        if (book.stateDict().containsKey(key)) {
            book.used().add(key);
        }
    }

    private static Tensor zeros(String name, long[] shape) {
        return Tensor.ofFloats(name, shape, new float[Math.toIntExact(Tensor.numElements(shape))]);
    }

    private static long[] squeeze(long[] dims) {
        return Arrays.stream(dims).filter(d -> d != 1).toArray();
    }

    @Override
    public void finish() {
        List<String> unexpected = new ArrayList<>();
        for (String k : book.stateDict().keySet()) {
            if (!book.used().contains(k)) {
                unexpected.add(k);
            }
        }
        if (!book.missing().isEmpty() || !book.misshaped().isEmpty() || !unexpected.isEmpty()) {
            throw new WeightMismatchException(book.sourceName(), book.missing(), unexpected, book.misshaped());
        }
    }
}
