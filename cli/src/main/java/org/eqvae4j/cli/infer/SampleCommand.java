package org.eqvae4j.cli.infer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ModelOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.eqvae4j.runtime.generator.Solver;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        description = {
            "Draw samples from the bundle's generator and decode them to PNGs: sample-000.png, ...",
            "A continuous bundle's generator is a flow-matching DiT (eqvae train-generator): Euler or Heun ODE with",
            "classifier-free guidance; defaults for --steps, --cfg and --sampler come from model.json's generator section.",
            "A VQ bundle's generator is a MaskGIT token generator (eqvae train-maskgit): iterative decoding."
        })
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    static final int MAX_COUNT = 10_000;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Folder for the images.")
    Path output;

    @Option(
            names = {"-n", "--count"},
            defaultValue = "4",
            description = "Number of samples (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--class",
            paramLabel = "K",
            description =
                    "Class of every sample, 0..numClasses-1, or numClasses for unconditional samples (default: sample i gets class i mod numClasses).")
    Integer cls;

    @Option(
            names = "--cfg",
            paramLabel = "S",
            description = "Classifier-free guidance scale (1 = none; default from model.json, MaskGIT: 1).")
    Double cfg;

    @Option(
            names = "--steps",
            paramLabel = "T",
            description = "ODE steps (default from model.json) or MaskGIT decoding steps (default 8).")
    Integer steps;

    @Option(
            names = "--sampler",
            paramLabel = "euler|heun",
            description = "ODE solver of a flow-matching generator (default from model.json).")
    String solver;

    @Option(names = "--temperature", paramLabel = "T", description = "MaskGIT: sampling temperature (default 1).")
    Double temperature;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Noise seed (default ${DEFAULT-VALUE}); the same seed gives the same images.")
    long seed;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.open(model.requireModel());
        if (count < 1 || count > MAX_COUNT) {
            // all latents of a run are drawn at once: 10^8 of them would need terabytes
            throw new IllegalArgumentException("--count must be 1 to " + MAX_COUNT + " per run, got " + count
                    + "; for more, run again with another --seed and --output");
        }
        LatentSampler.Overrides overrides =
                new LatentSampler.Overrides(steps, cfg, solver == null ? null : Solver.parse(solver), temperature);
        try (Autoencoder ae = Autoencoder.open(bundle, model.runtimeOptions());
                LatentSampler sampler = LatentSampler.open(bundle, ae, model.runtimeOptions(), overrides)) {
            if (cls != null && (cls < 0 || cls > sampler.numClasses())) {
                throw new IllegalArgumentException("--class " + cls + " is out of range: this generator has classes 0.."
                        + (sampler.numClasses() - 1) + " and " + sampler.numClasses() + " for unconditional samples");
            }
            int[] labels = LatentSampler.labels(count, cls == null ? -1 : cls, sampler.numClasses());
            ProgressBar bar = new ProgressBar(System.err);
            bar.progress(0, count, "sampling " + count + " latents (" + sampler.describe() + ")");
            FloatTensor z = sampler.sample(labels, seed);
            Files.createDirectories(output);
            for (int i = 0; i < count; i++) {
                ImageFiles.writePng(
                        model.codec(ae).decode(z.sample(i)), output.resolve(String.format("sample-%03d.png", i)));
                bar.progress(i + 1, count, "decoded sample " + (i + 1) + " (class " + labels[i] + ")");
            }
            System.out.printf("wrote %d samples to %s%n", count, output);
            return 0;
        }
    }
}
