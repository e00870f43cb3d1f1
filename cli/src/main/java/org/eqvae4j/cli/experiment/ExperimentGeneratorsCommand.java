package org.eqvae4j.cli.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.training.generator.flow.GeneratorExperiment;
import org.eqvae4j.training.generator.flow.GeneratorTrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "experiment-generators",
        mixinStandardHelpOptions = true,
        description = {
            "The paper's generator experiment at small scale: the same flow-matching DiT trained on the latents of several",
            "autoencoders (--arms: base, control, EQ), each with several --seeds (Fashion-MNIST, same data and steps);",
            "every EMA snapshot scored in the FMNIST-classifier feature space (FD, KD = KID's estimator, precision/recall);",
            "writes a report (README.md, runs/bands/ratios/floors CSV, band charts, sample grids) with bootstrap intervals",
            "over seeds. Prints the compute budget first (--budget: only that). Training resumes or is skipped in",
            "<work>/<arm>/seed-<seed>; scored snapshots are not scored again."
        })
public final class ExperimentGeneratorsCommand implements Callable<Integer> {
    /** The arms without --arms: the shipped baseline and EQ-VAE TAEF2 (no control is shipped yet). */
    static final List<String> DEFAULT_ARMS = List.of("base=models/taef2", "eq=models/eq-taef2");

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

    @picocli.CommandLine.Mixin
    ArmsAndSeeds design;

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

    @picocli.CommandLine.Mixin
    org.eqvae4j.cli.options.FashionMnistSizeOption size;

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

    @Option(
            names = "--snapshot-every",
            defaultValue = "250",
            description = "Steps between scored EMA snapshots (default ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Option(
            names = "--eval-samples",
            defaultValue = "2000",
            description = "Generated images per score on the way (default ${DEFAULT-VALUE}).")
    int evalSamples;

    @Option(
            names = "--final-samples",
            defaultValue = "5000",
            description = "Generated images at the last snapshot, and test images of the reconstruction floor "
                    + "(default ${DEFAULT-VALUE}).")
    int finalSamples;

    @picocli.CommandLine.Mixin
    BudgetOptions budget;

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
        List<GeneratorExperiment.Arm> armList = new ArrayList<>();
        for (ArmsAndSeeds.Labelled a : design.arms(DEFAULT_ARMS)) {
            armList.add(new GeneratorExperiment.Arm(a.label(), a.bundle()));
        }
        GeneratorTrainConfig template = new GeneratorTrainConfig(
                armList.get(0).autoencoder(),
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
                design.seeds.get(0),
                classDropout,
                ema,
                Math.max(snapshotEvery, 1),
                snapshotEvery,
                threads,
                ExecutionProvider.CPU,
                20,
                1.5,
                "template",
                size.size);
        GeneratorExperiment.Config c = new GeneratorExperiment.Config(
                armList,
                design.seeds,
                work,
                template,
                data.resolve("t10k-images-idx3-ubyte.gz"),
                data.resolve("t10k-labels-idx1-ubyte.gz"),
                classifier,
                evalSamples,
                finalSamples,
                sampleSteps,
                solver.toLowerCase(Locale.ROOT),
                cfg,
                sampleSeed,
                threads,
                output);
        GeneratorExperiment experiment = new GeneratorExperiment(c);
        System.out.println(experiment
                .budget(budget.probeSteps, new ProgressBar(System.err))
                .describe());
        if (budget.only) {
            return 0;
        }
        GeneratorExperiment.Result result = experiment.run(new ProgressBar(System.err));
        System.out.println("report: " + output.resolve("README.md"));
        for (var r : result.ratios()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s vs %-8s %-24s iteration ratio %.2f [%.2f, %.2f] over %d seeds%n",
                    r.armB(),
                    r.armA(),
                    r.metric(),
                    r.interval().estimate(),
                    r.interval().low(),
                    r.interval().high(),
                    r.seeds().length);
        }
        var floors = result.floorCheck();
        System.out.printf(
                Locale.ROOT,
                "reconstruction floors %s: spread %.0f %% (%s the %.0f %% aim)%n",
                floors.floors(),
                100 * floors.spread(),
                floors.within() ? "within" : "outside",
                100 * floors.tolerance());
        return 0;
    }
}
