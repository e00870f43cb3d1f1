package org.eqvae4j.export.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.autodiff.UnsupportedOpException;
import org.eqvae4j.export.graph.ConstantFolding;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.loss.LossKind;
import org.eqvae4j.export.loss.Losses;

/**
 * Turns any inference model whose ops have gradient rules (one of ours, or one exported by
 * torch.onnx) into training artifacts, as ONNX Runtime's Python {@code generate_artifacts} does:
 * attach a loss to an output, choose trainable parameters by name pattern, differentiate, and add
 * the optimizer.
 *
 * @param trainable regular expressions; a parameter is trainable when it matches one (all when empty)
 * @param frozen    regular expressions that freeze matching parameters (applied after {@code trainable})
 */
public record ModelTrainingSetup(
        String output, LossKind loss, List<Pattern> trainable, List<Pattern> frozen, OptimizerConfig optimizer) {

    /** Opset the gradient rules need at least (ScatterND/ScatterElements with reduction="add": 16). */
    static final long MIN_OPSET = 17;

    public TrainingArtifacts build(Graph model) {
        Graph withLoss = withLoss(model);
        List<String> params = trainableParameters(withLoss);
        Graph grads = Autodiff.forOnnxRuntimeTraining().gradients(withLoss, Losses.LOSS, params);
        return new TrainingArtifacts(grads, withLoss, params, optimizer);
    }

    /**
     * The ops on the path from the trainable parameters to the model output that have no gradient rule,
     * in graph order (empty when {@link #build} would find one for every op). Writes and builds nothing.
     */
    public List<Node> uncoveredOps(Graph model) {
        Graph withLoss = withLoss(model);
        return Autodiff.forOnnxRuntimeTraining().missingRules(withLoss, Losses.LOSS, trainableParameters(withLoss));
    }

    /**
     * What stops {@link #build} for this model, found without writing anything: one line per op on the
     * gradient path that has no rule; when every op has one, the first rule that cannot handle its node
     * (e.g. a Resize mode it does not cover). Empty when the artifacts can be built.
     */
    public List<String> problems(Graph model) {
        List<Node> missing = uncoveredOps(model);
        if (!missing.isEmpty()) {
            return missing.stream()
                    .map(n -> "no gradient rule for " + n.describe())
                    .toList();
        }
        try {
            build(model);
            return List.of();
        } catch (UnsupportedOpException e) {
            return List.of(e.getMessage());
        }
    }

    /**
     * The model as exporters write it, made ready to differentiate: constants and shape arithmetic folded
     * (so shapes are known where the input's are), opset raised to {@link #MIN_OPSET} when older (the
     * forward ops of opsets 14-16 mean the same in 17), then the loss attached.
     */
    private Graph withLoss(Graph model) {
        Graph folded = ConstantFolding.fold(model);
        if (folded.opsetImports().getOrDefault("", MIN_OPSET) < MIN_OPSET) {
            Map<String, Long> opsets = new LinkedHashMap<>(folded.opsetImports());
            opsets.put("", MIN_OPSET);
            folded = new Graph(
                    folded.name(),
                    folded.inputs(),
                    folded.outputs(),
                    folded.initializers(),
                    folded.nodes(),
                    opsets,
                    folded.parameterNames());
        }
        String out = output != null ? output : folded.outputs().get(0).name();
        return Losses.attach(folded, out, loss);
    }

    private List<String> trainableParameters(Graph withLoss) {
        List<String> params = new ArrayList<>();
        for (String p : withLoss.parameterNames().stream().sorted().toList()) {
            boolean in = trainable.isEmpty()
                    || trainable.stream().anyMatch(r -> r.matcher(p).matches());
            boolean out2 = frozen.stream().anyMatch(r -> r.matcher(p).matches());
            if (in && !out2) {
                params.add(p);
            }
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters: the patterns select none of the model's "
                    + withLoss.parameterNames().size() + " parameters");
        }
        return params;
    }
}
