package org.eqvae4j.cli.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.training.generator.maskgit.MaskGitExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "experiment-vq",
        mixinStandardHelpOptions = true,
        description = {
            "The discrete generator experiment: the same MaskGIT trained on the tokens of several VQ autoencoders",
            "(--arms: base, control, EQ), once per --seeds (same config, steps, data); FD, KD (KID's estimator) and",
            "precision/recall in the FMNIST-classifier feature space over training, VQ reconstruction / codebook /",
            "equivariance metrics, floors, iteration ratios with bootstrap intervals over seeds; writes README.md,",
            "results.json, runs/bands/ratios/floors CSV, band charts and sample grids into --report. Prints the compute",
            "budget first (--budget: only that). Resumable."
        })
public final class ExperimentVqCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ArmsAndSeeds design;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Folder with Fashion-MNIST's four IDX files.")
    Path data;

    @Option(
            names = "--classifier",
            defaultValue = "models/fmnist-classifier/classifier.onnx",
            paramLabel = "FILE",
            description = "Classifier ONNX for FD-FMNIST-CNN (default ${DEFAULT-VALUE}), as experiment-generators.")
    Path classifier;

    @Option(
            names = "--runs",
            required = true,
            paramLabel = "DIR",
            description = "Folder for the runs (token caches, MaskGIT runs).")
    Path runs;

    @Option(names = "--report", required = true, paramLabel = "DIR", description = "Report folder.")
    Path report;

    @Option(
            names = "--train-images",
            defaultValue = "20000",
            description = "Training images encoded for the generators (default ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--steps", defaultValue = "1500", description = "MaskGIT steps per arm (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "32", description = "Batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--warmup-steps", defaultValue = "100", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(
            names = "--eval-every",
            defaultValue = "250",
            description = "Steps between FD evaluations (default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(
            names = "--eval-samples",
            defaultValue = "2000",
            description = "Samples per evaluation on the way (default ${DEFAULT-VALUE}).")
    int evalSamples;

    @Option(
            names = "--final-samples",
            defaultValue = "5000",
            description = "Samples at the evaluation after the last step (default ${DEFAULT-VALUE}).")
    int finalSamples;

    @Option(
            names = "--decode-steps",
            defaultValue = "8",
            description = "MaskGIT decoding steps of the evaluation samples (default ${DEFAULT-VALUE}).")
    int decodeSteps;

    @Option(names = "--dim", defaultValue = "64", description = "Transformer width (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--depth", defaultValue = "3", description = "Transformer blocks (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(
            names = "--vq-eval-images",
            defaultValue = "500",
            description = "Test images for the VQ metrics (default ${DEFAULT-VALUE}).")
    int vqEvalImages;

    @picocli.CommandLine.Mixin
    DeviceOptions device;

    @picocli.CommandLine.Mixin
    BudgetOptions budget;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        device.trainingProvider(spec.commandLine());
        String command = "./eqvae "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        List<MaskGitExperiment.VqArm> armList = new java.util.ArrayList<>();
        for (ArmsAndSeeds.Labelled a : design.arms(List.of())) {
            armList.add(new MaskGitExperiment.VqArm(a.label(), a.bundle()));
        }
        var cfg = new MaskGitExperiment.Config(
                armList,
                design.seeds,
                data,
                classifier,
                runs,
                report,
                trainImages,
                steps,
                batch,
                lr,
                warmupSteps,
                evalEvery,
                evalSamples,
                finalSamples,
                decodeSteps,
                dim,
                depth,
                heads,
                device.threads,
                vqEvalImages,
                command,
                device.runtimeOptions());
        MaskGitExperiment experiment = new MaskGitExperiment(cfg);
        System.out.println(experiment
                .budget(budget.probeSteps, new ProgressBar(System.err))
                .describe());
        if (budget.only) {
            return 0;
        }
        var arms = experiment.run(new ProgressBar(System.err));
        arms.forEach(a -> System.out.printf(
                "%-8s %-22s final FD-FMNIST-CNN %.2f%n", a.name(), a.vqId(), a.fd()[a.fd().length - 1]));
        System.out.println("report: " + report.resolve("README.md"));
        return 0;
    }
}
