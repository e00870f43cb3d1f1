package org.eqvae4j.cli.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.cli.options.RunFolderOption;
import org.eqvae4j.cli.options.RunOptions;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.generator.MaskSchedule;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.generator.maskgit.MaskGitTrainConfig;
import org.eqvae4j.training.generator.maskgit.MaskGitTrainer;
import org.eqvae4j.training.generator.maskgit.TokenCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train-maskgit",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainMaskGitCommand.RunDefaults.class,
        description = {
            "Train a MaskGIT token generator on the tokens of a VQ bundle (Fashion-MNIST, class-conditional",
            "with a null class). Encodes the training images once into <run>/train.tokens (header names the",
            "bundle), then trains on ONNX Runtime (resumable). <run>/bundle is the VQ bundle plus generator.onnx;",
            "draw from it with `eqvae sample`."
        })
public final class TrainMaskGitCommand implements Callable<Integer> {
    @Option(
            names = "--vq",
            required = true,
            paramLabel = "BUNDLE",
            description = "VQ bundle whose tokens are modelled.")
    Path vq;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Folder with Fashion-MNIST's train-images / train-labels IDX files.")
    Path data;

    @picocli.CommandLine.Mixin
    RunFolderOption runFolder;

    @Option(
            names = "--train-images",
            defaultValue = "20000",
            description = "Training images to encode, the first ones (default ${DEFAULT-VALUE}).")
    int trainImages;

    @Mixin
    RunOptions runOptions;

    @Option(
            names = "--schedule",
            defaultValue = "arccos",
            description = "Masking schedule: arccos, cosine or linear (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--dim", defaultValue = "64", description = "Transformer width (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--depth", defaultValue = "3", description = "Transformer blocks (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;

    @picocli.CommandLine.Mixin
    DeviceOptions device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--id", description = "Id of the exported bundle (default maskgit-<VQ bundle id>).")
    String id;

    @Override
    public Integer call() throws Exception {
        device.trainingProvider(spec.commandLine());
        ModelBundle bundle = ModelBundle.open(vq);
        Files.createDirectories(runFolder.run);
        Path tokens = runFolder.run.resolve("train.tokens");
        if (!Files.isRegularFile(tokens)) {
            List<Image8> images = IdxFile.readImages(IdxFile.find(data, "train-images-idx3-ubyte"));
            int[] labels = IdxFile.readLabels(IdxFile.find(data, "train-labels-idx1-ubyte"));
            int n = Math.min(trainImages, images.size());
            System.err.println("encoding " + n + " training images with "
                    + bundle.manifest().id());
            try (Autoencoder ae = Autoencoder.open(bundle, device.runtimeOptions())) {
                TokenCache.encode(
                                ae,
                                images.subList(0, n),
                                Arrays.copyOf(labels, n),
                                Arrays.stream(labels).max().orElse(0) + 1,
                                32,
                                256,
                                data.getFileName() + " train, first " + n)
                        .write(tokens);
            }
        }
        MaskGitTrainConfig cfg = new MaskGitTrainConfig(
                vq,
                tokens,
                runOptions.steps,
                runOptions.batch,
                runOptions.lr,
                runOptions.warmupSteps,
                runOptions.seed,
                0.1,
                MaskSchedule.parse(schedule),
                dim,
                depth,
                heads,
                runOptions.checkpointEvery,
                0,
                device.threads,
                id != null ? id : "maskgit-" + bundle.manifest().id(),
                device.provider());
        new MaskGitTrainer(cfg, runFolder.run, null).train(new ProgressBar(System.err));
        System.out.println("generator bundle: " + runFolder.run.resolve(MaskGitTrainer.BUNDLE));
        return 0;
    }

    /** The run flags' defaults of this command. */
    public static final class RunDefaults extends RunOptions.Defaults {
        public RunDefaults() {
            super("1500", "32", "1e-3", "100", "0", "250");
        }
    }
}
