package org.eqvae4j.cli.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.training.generator.flow.GeneratorExperiment;
import org.eqvae4j.training.generator.flow.GeneratorTrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "experiment-generators",
        mixinStandardHelpOptions = true,
        description = {
            "The paper's generator experiment at small scale: the same flow-matching DiT trained on the latents of a",
            "baseline and an EQ-VAE autoencoder (Fashion-MNIST, same data, steps and seed), every EMA snapshot scored by",
            "FD-FMNIST-CNN; writes a report (README.md, results.csv, loss.png, fd.png, sample grids) and the iteration ratio.",
            "Training resumes or is skipped in <work>/<bundle id>; scored snapshots are not scored again."
        })
public final class ExperimentGeneratorsCommand implements Callable<Integer> {
    @Option(
            names = "--work",
            required = true,
            paramLabel = "DIR",
            description = "Folder for the run folders (one per autoencoder).")
    Path work;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description =
                    "Fashion-MNIST IDX folder (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-...).")
    Path data;

    @Option(
            names = "--baseline",
            defaultValue = "models/taef2",
            paramLabel = "BUNDLE",
            description = "Baseline autoencoder (default ${DEFAULT-VALUE}).")
    Path baseline;

    @Option(
            names = "--eq",
            defaultValue = "models/eq-taef2",
            paramLabel = "BUNDLE",
            description = "EQ-VAE autoencoder (default ${DEFAULT-VALUE}).")
    Path eq;

    @Option(
            names = "--classifier",
            defaultValue = "models/fmnist-classifier/classifier.onnx",
            paramLabel = "ONNX",
            description = "FD-FMNIST-CNN feature network (default ${DEFAULT-VALUE}).")
    Path classifier;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "models/reports/generators",
            paramLabel = "DIR",
            description = "Report folder (default ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--limit",
            defaultValue = "12000",
            description = "Training images (default ${DEFAULT-VALUE}; 0 = all 60000).")
    int limit;

    @Option(
            names = "--steps",
            defaultValue = "3000",
            description = "Optimizer steps per run (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "64", description = "Latents per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--hidden", defaultValue = "96", description = "DiT width (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--depth", defaultValue = "4", description = "DiT blocks (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--patch", defaultValue = "1", description = "Patch side (default ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--lr", defaultValue = "3e-4", description = "Learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--warmup-steps", defaultValue = "100", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--ema", defaultValue = "0.995", description = "EMA decay (default ${DEFAULT-VALUE}).")
    double ema;

    @Option(
            names = "--class-dropout",
            defaultValue = "0.1",
            description = "Null-class probability (default ${DEFAULT-VALUE}).")
    double classDropout;

    @Option(names = "--seed", defaultValue = "0", description = "Training seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--snapshot-every",
            defaultValue = "250",
            description = "Steps between scored EMA snapshots (default ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Option(
            names = "--samples",
            defaultValue = "500",
            description = "Generated images per score (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(
            names = "--sample-steps",
            defaultValue = "16",
            description = "ODE steps of scored samples (default ${DEFAULT-VALUE}).")
    int sampleSteps;

    @Option(names = "--sampler", defaultValue = "euler", description = "euler or heun (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(
            names = "--cfg",
            defaultValue = "1.0",
            description = "Guidance scale of scored samples (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(
            names = "--sample-seed",
            defaultValue = "1234",
            description = "Noise seed of scored samples (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        Path images = data.resolve("train-images-idx3-ubyte.gz");
        Path labels = data.resolve("train-labels-idx1-ubyte.gz");
        for (Path p : List.of(
                images, labels, data.resolve("t10k-images-idx3-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz"))) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("--data " + data + " lacks " + p.getFileName());
            }
        }
        List<GeneratorExperiment.Arm> arms = new ArrayList<>();
        for (Path b : List.of(baseline, eq)) {
            String id = ModelBundle.open(b).manifest().id();
            arms.add(new GeneratorExperiment.Arm(id, b, work.resolve(id)));
        }
        GeneratorTrainConfig template = new GeneratorTrainConfig(
                baseline,
                images,
                labels,
                work.resolve("unused.bin"),
                limit,
                hidden,
                depth,
                heads,
                patch,
                steps,
                batch,
                lr,
                warmup,
                seed,
                classDropout,
                ema,
                Math.max(snapshotEvery, 1),
                snapshotEvery,
                threads,
                ExecutionProvider.CPU,
                20,
                1.5,
                "template");
        GeneratorExperiment.Config c = new GeneratorExperiment.Config(
                arms,
                template,
                data.resolve("t10k-images-idx3-ubyte.gz"),
                data.resolve("t10k-labels-idx1-ubyte.gz"),
                classifier,
                samples,
                sampleSteps,
                solver.toLowerCase(Locale.ROOT),
                cfg,
                sampleSeed,
                threads,
                output);
        var results = new GeneratorExperiment(c).run(new ProgressBar(System.err));
        System.out.println("report: " + output.resolve("README.md"));
        for (var r : results) {
            var last = r.points().get(r.points().size() - 1);
            System.out.printf(
                    Locale.ROOT,
                    "%-10s final step %d  FD-FMNIST-CNN %.2f (vs own reconstructions %.2f)  class accuracy %.1f %%  reconstruction floor %.2f%n",
                    r.arm().label(),
                    last.step(),
                    last.fd(),
                    last.fdOwn(),
                    100 * last.accuracy(),
                    r.reconstructionFd());
        }
        return 0;
    }
}
