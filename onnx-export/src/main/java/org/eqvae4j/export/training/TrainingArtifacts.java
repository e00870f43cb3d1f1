package org.eqvae4j.export.training;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.onnx.proto.Onnx;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.io.AtomicFolders;

/**
 * The four files ONNX Runtime's on-device training API loads: training, eval and optimizer model plus the
 * initial checkpoint, made from
 *
 * @param gradientGraph       forward + loss with the parameters as initializers; the loss is the first
 *                            output, and each trainable parameter {@code P} has an output
 *                            {@link #gradientName(String) P_grad}: what
 *                            {@link org.eqvae4j.export.autodiff.Autodiff#gradients} produces
 * @param evalGraph           forward + loss for evaluation, parameters as initializers; it may have fewer
 *                            user inputs (e.g. no target) and more outputs (e.g. the reconstruction, which
 *                            {@code exportModelForInference} can keep)
 * @param trainableParameters the parameters to train, in order; the gradient graph's other parameters
 *                            ({@link Graph#parameterNames()}) are frozen
 * @param optimizer           the optimizer and its fixed hyper-parameters
 */
public record TrainingArtifacts(
        Graph gradientGraph, Graph evalGraph, List<String> trainableParameters, OptimizerConfig optimizer) {
    public static final String TRAINING_MODEL = "training_model.onnx";
    public static final String EVAL_MODEL = "eval_model.onnx";
    public static final String OPTIMIZER_MODEL = "optimizer_model.onnx";
    public static final String CHECKPOINT = "checkpoint";

    /** Validates the graphs against each other and the contract; the message names what does not fit. */
    public TrainingArtifacts {
        trainableParameters = List.copyOf(trainableParameters);
        if (optimizer == null) {
            throw new IllegalArgumentException("no optimizer given");
        }
        TrainingModel.validate(gradientGraph, trainableParameters);
        EvalModel.validate(evalGraph, gradientGraph);
    }

    /** The output name of the gradient of a parameter, as the gradient graph must provide it. */
    public static String gradientName(String parameter) {
        return parameter + TrainingModel.GRADIENT_SUFFIX;
    }

    /** The gradient graph's parameters that are not trained, in graph order. */
    public List<String> frozenParameters() {
        List<String> all = TrainingModel.parameterOrder(gradientGraph, trainableParameters);
        return all.subList(trainableParameters.size(), all.size());
    }

    public Graph trainingModel() {
        return TrainingModel.build(gradientGraph, trainableParameters);
    }

    public Graph evalModel() {
        return EvalModel.build(
                evalGraph,
                TrainingModel.parameterOrder(gradientGraph, trainableParameters),
                gradientGraph.parameterNames());
    }

    public Onnx.ModelProto optimizerModel() {
        return OptimizerModel.build(optimizer);
    }

    /** The gradient graph's parameter values; the optimizer starts from step 0 with zero moments. */
    public Checkpoint initialCheckpoint() {
        return Checkpoint.ofParameters(values(trainableParameters), values(frozenParameters()));
    }

    private Map<String, Tensor> values(List<String> names) {
        Map<String, Tensor> values = new LinkedHashMap<>();
        names.forEach(n -> values.put(n, gradientGraph.initializers().get(n)));
        return values;
    }

    /**
     * Writes the four files into {@code folder}, which must not exist or be empty. They are written into a
     * staging folder beside it that is renamed at the end, so the folder either holds a complete set or
     * does not appear.
     */
    public void writeTo(Path folder) throws IOException {
        if (Files.exists(folder) && !isEmptyDirectory(folder)) {
            throw new IOException("cannot write training artifacts to " + folder.toAbsolutePath()
                    + ": it exists and is not an empty folder (artifacts are never written over)");
        }
        AtomicFolders.write(folder, staging -> {
            OnnxWriter.write(trainingModel(), staging.resolve(TRAINING_MODEL));
            OnnxWriter.write(evalModel(), staging.resolve(EVAL_MODEL));
            Onnx.ModelProto optimizerModel = optimizerModel();
            AtomicFiles.write(staging.resolve(OPTIMIZER_MODEL), optimizerModel::writeTo);
            CheckpointFile.write(initialCheckpoint(), staging.resolve(CHECKPOINT));
        });
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
