package org.eqvae4j.export.training;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * Turns a gradient graph (forward + loss + one {@code <P>_grad} output per trainable parameter) into the
 * training model ONNX Runtime's training API expects:
 * <ul>
 *   <li>inputs: the user inputs, every parameter (trainable, then frozen), one
 *       {@code <P>_grad.accumulation.buffer} per trainable parameter, and {@code lazy_reset_grad} (bool [1]);
 *   <li>each {@code <P>_grad} feeds {@code com.microsoft:InPlaceAccumulatorV2(buffer, grad, lazy_reset_grad)},
 *       which overwrites the buffer when the flag is set and adds to it otherwise (gradient accumulation);
 *   <li>outputs: the loss and any other user outputs, then the accumulators' {@code <P>_grad.accumulation.out}.
 * </ul>
 * ONNX Runtime hides outputs whose names end in {@code _grad}, {@code _grad.accumulation.buffer} or
 * {@code _grad.accumulation.out}, and recognises the buffer inputs by the same suffixes, so user inputs
 * and outputs must not use them.
 */
final class TrainingModel {
    static final String LAZY_RESET_GRAD = "lazy_reset_grad";
    static final String MICROSOFT_DOMAIN = "com.microsoft";
    /** Autodiff names its gradient outputs this way, and ONNX Runtime recognises them by it. */
    static final String GRADIENT_SUFFIX = Autodiff.GRAD_SUFFIX;

    private TrainingModel() {}

    static String bufferName(String parameter) {
        return TrainingArtifacts.gradientName(parameter) + ".accumulation.buffer";
    }

    static String accumulatedName(String parameter) {
        return TrainingArtifacts.gradientName(parameter) + ".accumulation.out";
    }

    /** Checks that the gradient graph and the trainable names fit the contract; the message says what does not. */
    static void validate(Graph g, List<String> trainable) {
        String graph = "gradient graph '" + g.name() + "'";
        if (g.outputs().isEmpty() || g.outputs().get(0).dtype() != DType.FLOAT) {
            throw new IllegalArgumentException(graph + ": the first output must be the float loss"
                    + (g.outputs().isEmpty()
                            ? " (the graph has no outputs)"
                            : ", but '" + g.outputs().get(0) + "' is"));
        }
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException(
                    graph + ": no trainable parameters given (ONNX Runtime's optimizer needs at least one)");
        }
        Set<String> seen = new HashSet<>();
        for (String p : trainable) {
            if (!seen.add(p)) {
                throw new IllegalArgumentException(graph + ": trainable parameter '" + p + "' is listed twice");
            }
            Tensor value = g.initializers().get(p);
            if (value == null || !g.parameterNames().contains(p)) {
                throw new IllegalArgumentException(graph + ": '" + p + "' is not a parameter of the graph (parameters: "
                        + preview(parameterOrder(g, List.of())) + ")");
            }
            if (value.dtype() != DType.FLOAT) {
                throw new IllegalArgumentException(graph + ": parameter '" + p + "' is " + value.dtype()
                        + "; ONNX Runtime's optimizers train FLOAT parameters only");
            }
            checkGradientOutput(g, p, value);
        }
        checkReservedNames(g);
    }

    private static void checkGradientOutput(Graph g, String parameter, Tensor value) {
        String gradName = TrainingArtifacts.gradientName(parameter);
        Value grad = g.outputs().stream()
                .filter(v -> v.name().equals(gradName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("gradient graph '" + g.name() + "' has no output '"
                        + gradName + "' for trainable parameter '" + parameter + "'"));
        boolean shapeDiffers =
                grad.shape() != null && grad.shape().isStatic() && !grad.shape().equals(Shape.of(value.dims()));
        if (grad.dtype() != value.dtype() || shapeDiffers) {
            throw new IllegalArgumentException(
                    "gradient graph '" + g.name() + "': output " + grad + " does not match parameter " + value);
        }
    }

    /** Names ONNX Runtime reads a meaning into, and the names this class adds, must be free. */
    private static void checkReservedNames(Graph g) {
        Set<String> gradientOutputs = new HashSet<>();
        g.parameterNames().forEach(p -> gradientOutputs.add(TrainingArtifacts.gradientName(p)));
        for (Value input : g.inputs()) {
            if (isReserved(input.name())) {
                throw new IllegalArgumentException("gradient graph '" + g.name() + "': input '" + input.name()
                        + "' uses a name ONNX Runtime reserves for gradient buffers (" + LAZY_RESET_GRAD
                        + ", *_grad, *_grad.accumulation.*); rename it");
            }
        }
        for (Value output : g.outputs()) {
            if (isReserved(output.name()) && !gradientOutputs.contains(output.name())) {
                throw new IllegalArgumentException("gradient graph '" + g.name() + "': output '" + output.name()
                        + "' ends like a gradient but belongs to no parameter; ONNX Runtime would hide it; rename it");
            }
        }
        Set<String> used = new HashSet<>(g.initializers().keySet());
        g.inputs().forEach(v -> used.add(v.name()));
        g.valueInfo().keySet().forEach(used::add);
        for (String p : g.parameterNames()) {
            for (String added : List.of(bufferName(p), accumulatedName(p))) {
                if (used.contains(added)) {
                    throw new IllegalArgumentException("gradient graph '" + g.name() + "' already has a value named '"
                            + added + "', which the training model needs for the gradient buffer of '" + p + "'");
                }
            }
        }
    }

    private static boolean isReserved(String name) {
        return name.equals(LAZY_RESET_GRAD)
                || name.endsWith(GRADIENT_SUFFIX)
                || name.contains(GRADIENT_SUFFIX + ".accumulation.");
    }

    /** Trainable parameters in the given order, then the frozen ones in graph order. */
    static List<String> parameterOrder(Graph g, List<String> trainable) {
        List<String> order = new ArrayList<>(trainable);
        for (String name : g.initializers().keySet()) {
            if (g.parameterNames().contains(name) && !trainable.contains(name)) {
                order.add(name);
            }
        }
        return order;
    }

    static Graph build(Graph g, List<String> trainable) {
        List<String> parameters = parameterOrder(g, trainable);
        List<Value> inputs = new ArrayList<>(g.inputs());
        for (String p : parameters) {
            inputs.add(valueOf(g.initializers().get(p)));
        }
        Map<String, Value> buffers = new LinkedHashMap<>();
        for (String p : trainable) {
            Value buffer = new Value(
                    bufferName(p), DType.FLOAT, Shape.of(g.initializers().get(p).dims()));
            buffers.put(p, buffer);
            inputs.add(buffer);
        }
        Value reset = new Value(LAZY_RESET_GRAD, DType.BOOL, Shape.of(1));
        inputs.add(reset);

        Set<String> gradientOutputs = new HashSet<>();
        parameters.forEach(p -> gradientOutputs.add(TrainingArtifacts.gradientName(p)));
        List<Value> outputs = new ArrayList<>();
        for (Value v : g.outputs()) {
            if (!gradientOutputs.contains(v.name())) {
                outputs.add(v);
            }
        }
        List<Node> nodes = new ArrayList<>(g.nodes());
        for (String p : trainable) {
            Value grad = g.output(TrainingArtifacts.gradientName(p));
            Value accumulated = new Value(accumulatedName(p), DType.BOOL, Shape.of(1));
            nodes.add(new Node(
                    accumulatedName(p) + "/InPlaceAccumulatorV2",
                    "InPlaceAccumulatorV2",
                    MICROSOFT_DOMAIN,
                    List.of(buffers.get(p), grad, reset),
                    List.of(accumulated),
                    Map.of()));
            outputs.add(accumulated);
        }
        Map<String, Long> opsets = new LinkedHashMap<>(g.opsetImports());
        opsets.put(MICROSOFT_DOMAIN, 1L);
        return new Graph(g.name(), inputs, outputs, constants(g), nodes, opsets, Set.of());
    }

    /** Initializers that are not parameters: they stay initializers of the exported models. */
    private static Map<String, Tensor> constants(Graph g) {
        Map<String, Tensor> constants = new LinkedHashMap<>(g.initializers());
        constants.keySet().removeAll(g.parameterNames());
        return constants;
    }

    static Value valueOf(Tensor t) {
        return new Value(t.name(), t.dtype(), Shape.of(t.dims()));
    }

    private static String preview(List<String> names) {
        return names.size() <= 8
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + ", ... (" + names.size() + " in all)";
    }
}
