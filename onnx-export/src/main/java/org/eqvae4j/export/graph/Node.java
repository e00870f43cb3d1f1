package org.eqvae4j.export.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Inputs may contain {@code null} for an omitted optional input (written as
 * the empty name, as ONNX does).
 */
public record Node(
        String name,
        String opType,
        String domain,
        List<Value> inputs,
        List<Value> outputs,
        Map<String, Attribute> attributes) {

    public Node {
        inputs = Collections.unmodifiableList(new java.util.ArrayList<>(inputs));
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        domain = domain == null ? "" : domain;
    }

    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public Value output(int i) {
        return outputs.get(i);
    }

    public Attribute attribute(String key) {
        return attributes.get(key);
    }

    public long attrLong(String key, long fallback) {
        Attribute a = attributes.get(key);
        return a == null ? fallback : a.asLong();
    }

    public float attrFloat(String key, float fallback) {
        Attribute a = attributes.get(key);
        return a == null ? fallback : a.asFloat();
    }

    public long[] attrLongs(String key, long[] fallback) {
        Attribute a = attributes.get(key);
        return a == null ? fallback : a.asLongs();
    }

    public String attrString(String key, String fallback) {
        Attribute a = attributes.get(key);
        return a == null ? fallback : a.asString();
    }

    /** "OpType 'name'" for error messages. */
    public String describe() {
        return (domain.isEmpty() ? "" : domain + ":") + opType + " '" + name + "'";
    }
}
