package org.eqvae4j.cli.train;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.cli.options.RunOptions;
import org.eqvae4j.export.arch.ImageClassifier;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.eval.ClassifierTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "train-classifier",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainClassifierCommand.RunDefaults.class,
        description = {
            "Train the small CNN classifier whose features score generated images (Frechet distance",
            "'FD-FMNIST-CNN', our stand-in for FID) on a Fashion-MNIST-format folder of IDX files, with",
            "ONNX Runtime's training API. Writes classifier.onnx (outputs logits, features) and classifier.json",
            "(data, settings, test accuracy). The learning rate decays to zero on a cosine after the warm-up.",
            "Regenerates models/fmnist-classifier."
        })
public final class TrainClassifierCommand implements Callable<Integer> {
    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description =
                    "Folder with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz).")
    Path data;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Output folder (replaced atomically when complete).")
    Path output;

    @Mixin
    RunOptions runOptions;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--width",
            defaultValue = "32",
            description = "Channels of the first conv; features = 4 x width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = ORT's default).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (runOptions.checkpointEvery != 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--checkpoint-every: train-classifier keeps no checkpoints (it trains in minutes"
                            + " and writes its output folder once, when done)");
        }
        List<Image8> train = IdxFile.readImages(IdxFile.find(data, "train-images-idx3-ubyte"));
        int[] trainLabels = IdxFile.readLabels(IdxFile.find(data, "train-labels-idx1-ubyte"));
        List<Image8> test = IdxFile.readImages(IdxFile.find(data, "t10k-images-idx3-ubyte"));
        int[] testLabels = IdxFile.readLabels(IdxFile.find(data, "t10k-labels-idx1-ubyte"));
        int classes = java.util.Arrays.stream(trainLabels).max().orElse(0) + 1;
        int steps = Math.toIntExact(runOptions.steps);
        var cfg = new ClassifierTrainer.Config(
                new ImageClassifier.Config(1, width, Math.max(classes, 2)),
                steps,
                runOptions.batch,
                runOptions.lr,
                runOptions.warmupSteps,
                runOptions.seed,
                threads);
        ProgressBar bar = new ProgressBar(System.err);
        long start = System.nanoTime();
        ClassifierTrainer.Result r = ClassifierTrainer.train(
                cfg,
                train,
                trainLabels,
                test,
                testLabels,
                data.getFileName() + " (" + train.size() + " train, " + test.size() + " test images)",
                output,
                step -> {
                    if (step % 100 == 0 || step == steps) {
                        bar.progress(step, steps, "training classifier");
                    }
                });
        System.out.printf(
                "wrote %s: test accuracy %.2f %% on %d images, final loss %.4f, %d steps in %.0f s%n",
                output,
                100 * r.testAccuracy(),
                test.size(),
                r.finalLoss(),
                r.steps(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** The run flags' defaults of this command (0 for --checkpoint-every: it keeps no checkpoints). */
    public static final class RunDefaults extends RunOptions.Defaults {
        public RunDefaults() {
            super("3000", "64", "2e-3", "0", "1", "0");
        }
    }
}
