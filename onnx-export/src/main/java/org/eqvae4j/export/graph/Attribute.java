package org.eqvae4j.export.graph;

import java.util.List;

/**
 * A node attribute. The value is one of: Float, Long, String, float[], long[], List&lt;String&gt;,
 * Tensor, Graph. {@link #of(Object)} picks the ONNX attribute type from the Java type.
 */
public record Attribute(Kind kind, Object value) {

    public enum Kind {
        FLOAT,
        INT,
        STRING,
        FLOATS,
        INTS,
        STRINGS,
        TENSOR,
        GRAPH
    }

    public static Attribute of(Object v) {
        if (v instanceof Attribute a) {
            return a;
        } else if (v instanceof Float || v instanceof Double) {
            return new Attribute(Kind.FLOAT, ((Number) v).floatValue());
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return new Attribute(Kind.INT, ((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            return new Attribute(Kind.INT, b ? 1L : 0L);
        } else if (v instanceof String) {
            return new Attribute(Kind.STRING, v);
        } else if (v instanceof float[] f) {
            return new Attribute(Kind.FLOATS, f.clone());
        } else if (v instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return new Attribute(Kind.FLOATS, f);
        } else if (v instanceof long[] l) {
            return new Attribute(Kind.INTS, l.clone());
        } else if (v instanceof int[] ints) {
            long[] l = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                l[i] = ints[i];
            }
            return new Attribute(Kind.INTS, l);
        } else if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return new Attribute(Kind.STRINGS, List.copyOf(list));
        } else if (v instanceof Tensor) {
            return new Attribute(Kind.TENSOR, v);
        } else if (v instanceof Graph) {
            return new Attribute(Kind.GRAPH, v);
        }
        throw new IllegalArgumentException(
                "unsupported attribute value " + v + " (" + (v == null ? "null" : v.getClass()) + ")");
    }

    public float asFloat() {
        return (Float) value;
    }

    public long asLong() {
        return (Long) value;
    }

    public String asString() {
        return (String) value;
    }

    public long[] asLongs() {
        return ((long[]) value).clone();
    }

    public float[] asFloats() {
        return ((float[]) value).clone();
    }

    public Tensor asTensor() {
        return (Tensor) value;
    }

    public Graph asGraph() {
        return (Graph) value;
    }
}
