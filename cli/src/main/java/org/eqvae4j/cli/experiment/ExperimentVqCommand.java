package org.eqvae4j.cli.experiment;

import java.nio.file.Path;
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
            "The discrete generator experiment: the same MaskGIT trained on the tokens of a baseline and of an",
            "EQ-VAE VQ autoencoder (same config, steps, seed, data); FD-FMNIST-CNN of samples over training, VQ",
            "reconstruction / codebook / equivariance metrics, the iteration ratio; writes README.md, results.json,",
            "loss.png, fd.png and sample grids into --report (models/reports/generators-vq). Resumable."
        })
public final class ExperimentVqCommand implements Callable<Integer> {
    @Option(names = "--vq", required = true, paramLabel = "BUNDLE", description = "Baseline VQ bundle.")
    Path baseVq;

    @Option(names = "--eq-vq", required = true, paramLabel = "BUNDLE", description = "EQ-VAE VQ bundle.")
    Path eqVq;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Folder with Fashion-MNIST's four IDX files.")
    Path data;

    @Option(
            names = "--classifier",
            required = true,
            paramLabel = "FILE",
            description = "Classifier ONNX for FD-FMNIST-CNN (models/fmnist-classifier/classifier.onnx).")
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

    @Option(names = "--seed", defaultValue = "0", description = "Seed of both arms (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--eval-every",
            defaultValue = "250",
            description = "Steps between FD evaluations (default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(
            names = "--eval-samples",
            defaultValue = "500",
            description = "Samples per FD evaluation (default ${DEFAULT-VALUE}).")
    int evalSamples;

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

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        device.trainingProvider(spec.commandLine());
        String command = "./eqvae "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        var cfg = new MaskGitExperiment.Config(
                baseVq,
                eqVq,
                data,
                classifier,
                runs,
                report,
                trainImages,
                steps,
                batch,
                lr,
                warmupSteps,
                seed,
                evalEvery,
                evalSamples,
                decodeSteps,
                dim,
                depth,
                heads,
                device.threads,
                vqEvalImages,
                command,
                device.runtimeOptions());
        var arms = new MaskGitExperiment(cfg).run(new ProgressBar(System.err));
        arms.forEach(a -> System.out.printf(
                "%-8s %-22s final FD-FMNIST-CNN %.2f%n", a.name(), a.vqId(), a.fd()[a.fd().length - 1]));
        System.out.println("report: " + report.resolve("README.md"));
        return 0;
    }
}
