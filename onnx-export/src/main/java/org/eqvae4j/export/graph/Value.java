package org.eqvae4j.export.graph;

import java.util.Objects;

/**
 * A named, typed edge of the graph: a graph input, an initializer, or a node output. The shape is
 * {@code null} when it is not known at build time.
 */
public final class Value {
    private final String name;
    private final DType dtype;
    private final Shape shape;

    public Value(String name, DType dtype, Shape shape) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = dtype;
        this.shape = shape;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    /** The shape, or null when unknown. */
    public Shape shape() {
        return shape;
    }

    public int rank() {
        if (shape == null) {
            throw new IllegalStateException("rank of '" + name + "' is not known");
        }
        return shape.rank();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Value v && v.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + ":" + dtype + (shape == null ? "[?]" : shape.toString());
    }
}
