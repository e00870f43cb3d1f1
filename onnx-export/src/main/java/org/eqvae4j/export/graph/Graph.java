package org.eqvae4j.export.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable computation graph: ordered inputs and outputs, initializers (weights and constants)
 * by name, and nodes in topological order. Built by {@link GraphBuilder}, read from ONNX by
 * {@code OnnxReader}, written by {@code OnnxWriter}.
 */
public final class Graph {
    private final String name;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final Map<String, Tensor> initializers;
    private final List<Node> nodes;
    private final Map<String, Value> valueInfo;
    private final Map<String, Long> opsetImports;
    private final java.util.Set<String> parameters;

    /** A graph whose floating-point initializers all count as parameters (e.g. one read from a file). */
    public Graph(
            String name,
            List<Value> inputs,
            List<Value> outputs,
            Map<String, Tensor> initializers,
            List<Node> nodes,
            Map<String, Long> opsetImports) {
        this(
                name,
                inputs,
                outputs,
                initializers,
                nodes,
                opsetImports,
                initializers.values().stream()
                        .filter(t -> t.dtype().isFloatingPoint())
                        .map(Tensor::name)
                        .collect(java.util.stream.Collectors.toSet()));
    }

    /** @param parameters names of the initializers that are learnable weights (the rest are constants) */
    public Graph(
            String name,
            List<Value> inputs,
            List<Value> outputs,
            Map<String, Tensor> initializers,
            List<Node> nodes,
            Map<String, Long> opsetImports,
            java.util.Set<String> parameters) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.nodes = List.copyOf(nodes);
        this.opsetImports = Collections.unmodifiableMap(new LinkedHashMap<>(opsetImports));
        Map<String, Value> info = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (Value v : n.outputs()) {
                info.put(v.name(), v);
            }
        }
        this.valueInfo = Collections.unmodifiableMap(info);
        this.parameters = java.util.Set.copyOf(parameters);
    }

    /** Names of the learnable weights among the initializers. */
    public java.util.Set<String> parameterNames() {
        return parameters;
    }

    public String name() {
        return name;
    }

    public List<Value> inputs() {
        return inputs;
    }

    public List<Value> outputs() {
        return outputs;
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** Opset version by domain ("" is ai.onnx). */
    public Map<String, Long> opsetImports() {
        return opsetImports;
    }

    /** Node outputs by name, with whatever dtype and shape the builder or the file knew. */
    public Map<String, Value> valueInfo() {
        return valueInfo;
    }

    public Value input(String inputName) {
        return inputs.stream()
                .filter(v -> v.name().equals(inputName))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("graph '" + name + "' has no input '" + inputName + "'"));
    }

    public Value output(String outputName) {
        return outputs.stream()
                .filter(v -> v.name().equals(outputName))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("graph '" + name + "' has no output '" + outputName + "'"));
    }

    /** Number of elements across all parameters. */
    public long parameterCount() {
        return initializers.values().stream()
                .filter(t -> parameters.contains(t.name()))
                .mapToLong(Tensor::numElements)
                .sum();
    }

    /** The node producing each value, for walking the graph backwards. */
    public Map<String, Node> producers() {
        Map<String, Node> p = new HashMap<>();
        for (Node n : nodes) {
            for (Value v : n.outputs()) {
                p.put(v.name(), n);
            }
        }
        return p;
    }

    /** A copy with some initializers replaced (same names); used to load weights into a built graph. */
    public Graph withInitializers(Map<String, Tensor> replacements) {
        Map<String, Tensor> merged = new LinkedHashMap<>(initializers);
        for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
            if (!merged.containsKey(e.getKey())) {
                throw new IllegalArgumentException("graph '" + name + "' has no initializer '" + e.getKey() + "'");
            }
            merged.put(e.getKey(), e.getValue().renamed(e.getKey()));
        }
        return new Graph(name, inputs, outputs, merged, nodes, opsetImports, parameters);
    }

    /** Distinct op types in node order, e.g. for a summary. */
    public List<String> opTypes() {
        List<String> ops = new ArrayList<>();
        for (Node n : nodes) {
            String op = (n.domain().isEmpty() ? "" : n.domain() + ":") + n.opType();
            if (!ops.contains(op)) {
                ops.add(op);
            }
        }
        return ops;
    }
}
