package org.eqvae4j.export.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor shape whose dimensions are static sizes or symbolic names ("batch", "height"). A dimension
 * that is neither (unknown) is represented by a null name and size -1.
 */
public record Shape(List<Dim> dims) {

    /** One dimension: a static size ({@code size >= 0}) or a symbolic name, or unknown. */
    public record Dim(long size, String symbol) {
        public static Dim of(long size) {
            return new Dim(size, null);
        }

        public static Dim symbol(String name) {
            return new Dim(-1, name);
        }

        public static Dim unknown() {
            return new Dim(-1, null);
        }

        public boolean isStatic() {
            return size >= 0;
        }

        @Override
        public String toString() {
            return isStatic() ? Long.toString(size) : symbol != null ? symbol : "?";
        }
    }

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> d = new ArrayList<>();
        for (long s : sizes) {
            d.add(Dim.of(s));
        }
        return new Shape(d);
    }

    /** Mixed static and symbolic dimensions: each element is a Number or a String. */
    public static Shape symbolic(Object... dims) {
        List<Dim> d = new ArrayList<>();
        for (Object o : dims) {
            if (o instanceof Number n) {
                d.add(n.longValue() >= 0 ? Dim.of(n.longValue()) : Dim.unknown());
            } else if (o instanceof String s) {
                d.add(Dim.symbol(s));
            } else if (o == null) {
                d.add(Dim.unknown());
            } else {
                throw new IllegalArgumentException("dimension must be a number or a name: " + o);
            }
        }
        return new Shape(d);
    }

    public int rank() {
        return dims.size();
    }

    public Dim dim(int axis) {
        return dims.get(axis < 0 ? axis + rank() : axis);
    }

    /** Static size of an axis, or -1 when symbolic/unknown. */
    public long size(int axis) {
        return dim(axis).size();
    }

    public boolean isStatic() {
        return dims.stream().allMatch(Dim::isStatic);
    }

    public long[] toArray() {
        return dims.stream().mapToLong(Dim::size).toArray();
    }

    public long numElements() {
        if (!isStatic()) {
            throw new IllegalStateException("shape " + this + " is not static");
        }
        return Tensor.numElements(toArray());
    }

    @Override
    public String toString() {
        return dims.toString();
    }

    public static String format(long[] dims) {
        return Arrays.toString(dims);
    }
}
