package org.eqvae4j.cli.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.export.arch.ImageClassifier;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.eval.ClassifierTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = {"Train the small CNN classifier whose features score generated images (Frechet distance",
                "'FD-FMNIST-CNN', our stand-in for FID) on a Fashion-MNIST-format folder of IDX files, with",
                "ONNX Runtime's training API. Writes classifier.onnx (outputs logits, features) and classifier.json",
                "(data, settings, test accuracy). Regenerates models/fmnist-classifier."})
public final class TrainClassifierCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz).")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output folder (replaced atomically when complete).")
    Path output;

    @Option(names = "--steps", defaultValue = "3000", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate, cosine decay to 0 (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--width", defaultValue = "32", description = "Channels of the first conv; features = 4 x width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialisation and batch order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = ORT's default).")
    int threads;

    @Override
    public Integer call() throws Exception {
        List<Image8> train = IdxFile.readImages(idx(data, "train-images-idx3-ubyte"));
        int[] trainLabels = IdxFile.readLabels(idx(data, "train-labels-idx1-ubyte"));
        List<Image8> test = IdxFile.readImages(idx(data, "t10k-images-idx3-ubyte"));
        int[] testLabels = IdxFile.readLabels(idx(data, "t10k-labels-idx1-ubyte"));
        int classes = java.util.Arrays.stream(trainLabels).max().orElse(0) + 1;
        var cfg = new ClassifierTrainer.Config(new ImageClassifier.Config(1, width, Math.max(classes, 2)), steps, batch, lr, seed, threads);
        ProgressBar bar = new ProgressBar(System.err);
        long start = System.nanoTime();
        ClassifierTrainer.Result r = ClassifierTrainer.train(cfg, train, trainLabels, test, testLabels,
                data.getFileName() + " (" + train.size() + " train, " + test.size() + " test images)", output,
                step -> {
                    if (step % 100 == 0 || step == steps) {
                        bar.progress(step, steps, "training classifier");
                    }
                });
        System.out.printf("wrote %s: test accuracy %.2f %% on %d images, final loss %.4f, %d steps in %.0f s%n", output,
                100 * r.testAccuracy(), test.size(), r.finalLoss(), r.steps(), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** The IDX file with this base name, gzipped or not. */
    static Path idx(Path folder, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("no " + base + "(.gz) in " + folder);
    }
}
