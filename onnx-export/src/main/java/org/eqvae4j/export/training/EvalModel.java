package org.eqvae4j.export.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * Turns an eval graph (forward + loss, parameters as initializers) into the eval model ONNX Runtime's
 * training API expects: the parameters become graph inputs after the user inputs, in the training model's
 * order, and take their values from the checkpoint. {@code exportModelForInference} later turns them back
 * into initializers holding the trained values.
 *
 * <p>An eval initializer counts as a parameter when the gradient graph has a parameter of that name, even
 * if the eval graph calls it a constant: left as an initializer it would keep its untrained value.
 */
final class EvalModel {
    private EvalModel() {}

    static void validate(Graph eval, Graph gradient) {
        String graph = "eval graph '" + eval.name() + "'";
        if (eval.outputs().isEmpty()) {
            throw new IllegalArgumentException(graph + " has no outputs");
        }
        for (String p : eval.parameterNames()) {
            if (!gradient.parameterNames().contains(p)) {
                throw new IllegalArgumentException(
                        graph + ": parameter '" + p + "' is not a parameter of gradient graph '" + gradient.name()
                                + "', so the checkpoint would have no value for it");
            }
        }
        for (String p : parametersOf(eval, gradient.parameterNames())) {
            Tensor mine = eval.initializers().get(p);
            Tensor theirs = gradient.initializers().get(p);
            if (mine.dtype() != theirs.dtype() || !java.util.Arrays.equals(mine.dims(), theirs.dims())) {
                throw new IllegalArgumentException(
                        graph + ": parameter " + mine + " differs from the gradient graph's " + theirs);
            }
        }
        for (Value input : eval.inputs()) {
            if (gradient.parameterNames().contains(input.name())) {
                throw new IllegalArgumentException(
                        graph + ": input '" + input.name() + "' has the name of a parameter");
            }
        }
    }

    static Graph build(Graph eval, List<String> parameterOrder, Set<String> gradientParameters) {
        List<String> own = parametersOf(eval, gradientParameters);
        List<Value> inputs = new ArrayList<>(eval.inputs());
        for (String p : parameterOrder) {
            if (own.contains(p)) {
                inputs.add(TrainingModel.valueOf(eval.initializers().get(p)));
            }
        }
        Map<String, Tensor> constants = new LinkedHashMap<>(eval.initializers());
        constants.keySet().removeAll(own);
        return new Graph(eval.name(), inputs, eval.outputs(), constants, eval.nodes(), eval.opsetImports(), Set.of());
    }

    private static List<String> parametersOf(Graph eval, Set<String> gradientParameters) {
        return eval.initializers().keySet().stream()
                .filter(gradientParameters::contains)
                .toList();
    }
}
