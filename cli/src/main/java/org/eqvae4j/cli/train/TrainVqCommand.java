package org.eqvae4j.cli.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.cli.options.RunFolderOption;
import org.eqvae4j.cli.options.RunOptions;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.training.eqvae.EqVaeTrainConfig;
import org.eqvae4j.training.eqvae.EqVaeTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train-vq",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainVqCommand.RunDefaults.class,
        description = {
            "Train the small VQ autoencoder (vq-small: 8x8 tokens, codebook 256) from scratch on Fashion-MNIST",
            "(28x28 centred on 32x32), plainly or with the EQ-VAE objective (--eq: tau on the features before",
            "quantisation). Exports a seeded initialisation to <run>/init, then trains like `eqvae train`",
            "(resumable; metrics.csv with codebook perplexity and usage per step); the bundle is <run>/bundle."
        })
public final class TrainVqCommand implements Callable<Integer> {
    @Option(
            names = {"-d", "--data"},
            required = true,
            paramLabel = "FILE",
            description = "Training images: an IDX file (Fashion-MNIST train-images-idx3-ubyte.gz).")
    Path data;

    @picocli.CommandLine.Mixin
    RunFolderOption runFolder;

    @Option(
            names = "--eq",
            description =
                    "EQ-VAE objective: equivariance branch with p 0.5, low-resolution branch with p 0.25 (default: plain training).")
    boolean eq;

    @Mixin
    RunOptions runOptions;

    @Option(
            names = "--init-seed",
            defaultValue = "1",
            description = "Seed of the initial weights (default ${DEFAULT-VALUE}).")
    long initSeed;

    @picocli.CommandLine.Mixin
    DeviceOptions device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--id",
            description = "Id of the trained bundle (default vq-small-fmnist, eq-vq-small-fmnist with --eq).")
    String id;

    @Override
    public Integer call() throws Exception {
        device.trainingProvider(spec.commandLine());
        Path init = runFolder.run.resolve("init");
        if (!Files.isRegularFile(init.resolve("model.json"))) {
            BundleExporter.export(
                    new BundleExporter.Request(
                            Architectures.standard().get("vq-small"),
                            null,
                            initSeed,
                            null,
                            "vq-small-init",
                            "vq-small, initialised (seed " + initSeed + ")",
                            "MIT",
                            null,
                            32,
                            0),
                    init,
                    false);
        }
        String outId = id != null ? id : eq ? "eq-vq-small-fmnist" : "vq-small-fmnist";
        EqVaeTrainConfig cfg = new EqVaeTrainConfig(
                init,
                data,
                null,
                32,
                runOptions.batch,
                1,
                runOptions.steps,
                runOptions.lr,
                runOptions.warmupSteps,
                runOptions.seed,
                eq ? 0.5 : 0,
                eq ? 0.25 : 0,
                true,
                false,
                Interpolation.BILINEAR,
                new EqVaeLoss(1f, 0f, 0f),
                null,
                runOptions.checkpointEvery,
                device.threads,
                device.provider(),
                32,
                outId,
                null,
                0,
                32,
                0,
                EqVaeTrainConfig.RecipeOptions.DEFAULT);
        new EqVaeTrainer(cfg, runFolder.run).train(new ProgressBar(System.err));
        System.out.println("trained bundle: "
                + ModelBundle.open(runFolder.run.resolve(EqVaeTrainer.BUNDLE)).root());
        return 0;
    }

    /** The run flags' defaults of this command. */
    public static final class RunDefaults extends RunOptions.Defaults {
        public RunDefaults() {
            super("1000", "16", "5e-4", "50", "0", "200");
        }
    }
}
