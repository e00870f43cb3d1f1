package org.eqvae4j.export.training;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.Graph;
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
public record ModelTrainingSetup(String output, LossKind loss, List<Pattern> trainable, List<Pattern> frozen,
                                 OptimizerConfig optimizer) {

    public TrainingArtifacts build(Graph model) {
        String out = output != null ? output : model.outputs().get(0).name();
        Graph withLoss = Losses.attach(model, out, loss);
        List<String> params = new ArrayList<>();
        for (String p : withLoss.parameterNames().stream().sorted().toList()) {
            boolean in = trainable.isEmpty() || trainable.stream().anyMatch(r -> r.matcher(p).matches());
            boolean out2 = frozen.stream().anyMatch(r -> r.matcher(p).matches());
            if (in && !out2) {
                params.add(p);
            }
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters: the patterns select none of the model's "
                    + withLoss.parameterNames().size() + " parameters");
        }
        Graph grads = Autodiff.forOnnxRuntimeTraining().gradients(withLoss, Losses.LOSS, params);
        return new TrainingArtifacts(grads, withLoss, params, optimizer);
    }
}
