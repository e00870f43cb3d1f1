package org.eqvae4j.cli.train;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.cli.options.RunFolderOption;
import org.eqvae4j.cli.options.RunOptions;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.training.generator.flow.FlowMatchingTrainer;
import org.eqvae4j.training.generator.flow.GeneratorTrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train-generator",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainGeneratorCommand.RunDefaults.class,
        description = {
            "Train a class-conditional DiT latent generator by flow matching on ONNX Runtime's training API.",
            "The training images (IDX, Fashion-MNIST geometry) are encoded once by the bundle's frozen encoder and",
            "cached (--cache); resumes when the run folder holds a checkpoint; writes metrics.csv, EMA snapshots and",
            "finally <run>/bundle: the autoencoder's files, generator.onnx (EMA weights) and model.json's generator section."
        })
public final class TrainGeneratorCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Autoencoder bundle (frozen) whose latents are learned.")
    Path model;

    @Option(
            names = "--images",
            required = true,
            paramLabel = "IDX",
            description = "Training images, IDX (e.g. train-images-idx3-ubyte.gz).")
    Path images;

    @Option(
            names = "--labels",
            required = true,
            paramLabel = "IDX",
            description = "Training labels, IDX (the conditioning classes).")
    Path labels;

    @picocli.CommandLine.Mixin
    RunFolderOption runFolder;

    @Option(names = "--cache", paramLabel = "FILE", description = "Latent cache file (default <run>/latents.bin).")
    Path cache;

    @picocli.CommandLine.Mixin
    org.eqvae4j.cli.options.FashionMnistSizeOption size;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "Use the first N training images (default ${DEFAULT-VALUE} = all).")
    int limit;

    @Mixin
    RunOptions runOptions;

    @Option(names = "--hidden", defaultValue = "128", description = "DiT width (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--depth", defaultValue = "6", description = "DiT blocks (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(
            names = "--patch",
            defaultValue = "1",
            description = "Patch side in latent pixels (default ${DEFAULT-VALUE}).")
    int patch;

    @Option(
            names = "--class-dropout",
            defaultValue = "0.1",
            description = "Probability of the null class (default ${DEFAULT-VALUE}).")
    double classDropout;

    @Option(
            names = "--ema",
            defaultValue = "0.999",
            description = "EMA decay of the exported weights (default ${DEFAULT-VALUE}).")
    double ema;

    @Option(
            names = "--snapshot-every",
            defaultValue = "0",
            description = "Steps between EMA generator snapshots in <run>/snapshots (default ${DEFAULT-VALUE} = none).")
    int snapshotEvery;

    @Option(
            names = "--sample-steps",
            defaultValue = "20",
            description = "Default ODE steps written to model.json (default ${DEFAULT-VALUE}).")
    int sampleSteps;

    @Option(
            names = "--cfg",
            defaultValue = "1.5",
            description = "Default guidance scale written to model.json (default ${DEFAULT-VALUE}).")
    double cfg;

    @picocli.CommandLine.Mixin
    DeviceOptions device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--cuda", hidden = true, description = "Same as --device cuda.")
    boolean cuda;

    @Option(names = "--id", description = "Id of the exported bundle (default: <bundle id>-dit).")
    String id;

    @Override
    public Integer call() throws Exception {
        String baseId = ModelBundle.open(model).manifest().id();
        GeneratorTrainConfig c = new GeneratorTrainConfig(
                model,
                images,
                labels,
                cache == null ? runFolder.run.resolve("latents.bin") : cache,
                limit,
                hidden,
                depth,
                heads,
                patch,
                runOptions.steps,
                runOptions.batch,
                runOptions.lr,
                runOptions.warmupSteps,
                runOptions.seed,
                classDropout,
                ema,
                runOptions.checkpointEvery,
                snapshotEvery,
                device.threads,
                cuda ? ExecutionProvider.CUDA : device.trainingProvider(spec.commandLine()),
                sampleSteps,
                cfg,
                id == null ? baseId + "-dit" : id,
                size.size);
        new FlowMatchingTrainer(c, runFolder.run).train(new ProgressBar(System.err));
        System.out.println("trained bundle: " + runFolder.run.resolve(FlowMatchingTrainer.BUNDLE));
        return 0;
    }

    /** The run flags' defaults of this command. */
    public static final class RunDefaults extends RunOptions.Defaults {
        public RunDefaults() {
            super("2000", "128", "3e-4", "100", "0", "250");
        }
    }
}
