package org.eqvae4j.cli.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.loss.LossKind;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.ModelTrainingSetup;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "artifacts",
        mixinStandardHelpOptions = true,
        description = {
            "Write ONNX Runtime on-device training artifacts for any ONNX model whose ops have gradient",
            "rules: training_model.onnx, eval_model.onnx, optimizer_model.onnx and checkpoint (like ORT's Python",
            "generate_artifacts, in Java). The loss is attached to a model output; its target becomes an input.",
            "--check lists the ops on the gradient path that lack gradient rules and writes nothing (exit code 1",
            "when some do)."
        })
public final class ArtifactsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "FILE",
            description = "Inference model (.onnx).")
    Path model;

    @Option(
            names = "--loss",
            paramLabel = "KIND",
            description =
                    "mse, l1 or cross-entropy (logits [N,C], int64 labels [N]); required unless --check (default there: mse).")
    String loss;

    @Option(
            names = "--check",
            description = "Only list the ops on the gradient path without gradient rules; write nothing.")
    boolean check;

    @Option(
            names = "--output-name",
            paramLabel = "NAME",
            description = "Model output the loss is attached to (default: the first).")
    String outputName;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Folder for the four files (must not exist or be empty); required unless --check.")
    Path output;

    @Option(
            names = "--trainable",
            paramLabel = "REGEX",
            split = ",",
            description = "Train only parameters whose name matches (default: all).")
    List<String> trainable = List.of();

    @Option(
            names = "--frozen",
            paramLabel = "REGEX",
            split = ",",
            description = "Freeze parameters whose name matches.")
    List<String> frozen = List.of();

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw or sgd (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1 (default ${DEFAULT-VALUE}).")
    float beta1;

    @Option(names = "--beta2", defaultValue = "0.999", description = "AdamW beta2 (default ${DEFAULT-VALUE}).")
    float beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW epsilon (default ${DEFAULT-VALUE}).")
    float eps;

    @Option(
            names = "--weight-decay",
            defaultValue = "0.01",
            description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
    float weightDecay;

    @Override
    public Integer call() throws Exception {
        OptimizerConfig opt = switch (optimizer.toLowerCase(java.util.Locale.ROOT)) {
            case "adamw" -> OptimizerConfig.adamW(beta1, beta2, eps, weightDecay);
            case "sgd" -> OptimizerConfig.sgd();
            default -> throw new IllegalArgumentException("--optimizer must be adamw or sgd, got '" + optimizer + "'");
        };
        Graph g = OnnxReader.read(model);
        if (check) {
            ModelTrainingSetup setup = new ModelTrainingSetup(
                    outputName,
                    loss == null ? LossKind.MSE : LossKind.parse(loss),
                    patterns(trainable, "--trainable"),
                    patterns(frozen, "--frozen"),
                    opt);
            List<String> problems = setup.problems(g);
            problems.forEach(System.out::println);
            System.out.printf(
                    "%s: %s%n",
                    model,
                    problems.isEmpty()
                            ? "every op on the gradient path has a gradient rule"
                            : problems.size() + " problem(s) on the gradient path");
            return problems.isEmpty() ? 0 : 1;
        }
        if (loss == null || output == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Missing required option: " + (loss == null ? "'--loss=KIND'" : "'--output=DIR'"));
        }
        TrainingArtifacts a = new ModelTrainingSetup(
                        outputName,
                        LossKind.parse(loss),
                        patterns(trainable, "--trainable"),
                        patterns(frozen, "--frozen"),
                        opt)
                .build(g);
        a.writeTo(output);
        long trainableCount = count(a, a.trainableParameters());
        long frozenCount = count(a, a.frozenParameters());
        System.out.printf(
                "wrote %s (training_model.onnx, eval_model.onnx, optimizer_model.onnx, checkpoint)%n", output);
        System.out.printf(
                "trainable: %d tensors, %,d parameters%n",
                a.trainableParameters().size(), trainableCount);
        System.out.printf(
                "frozen:    %d tensors, %,d parameters%n", a.frozenParameters().size(), frozenCount);
        System.out.printf("optimizer: %s%n", opt);
        System.out.printf("ops seen:  %s%n", String.join(", ", g.opTypes()));
        return 0;
    }

    private static long count(TrainingArtifacts a, List<String> names) {
        return names.stream()
                .map(n -> a.evalGraph().initializers().get(n))
                .mapToLong(Tensor::numElements)
                .sum();
    }

    private static List<Pattern> patterns(List<String> regexes, String option) {
        return regexes.stream()
                .map(r -> {
                    try {
                        return Pattern.compile(r);
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw new IllegalArgumentException(
                                option + " '" + r + "' is not a valid regular expression: " + e.getDescription());
                    }
                })
                .toList();
    }
}
