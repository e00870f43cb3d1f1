package org.eqvae4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.MaskGitSampler;
import org.eqvae4j.runtime.model.Sampler;
import org.eqvae4j.runtime.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Draw latents from the bundle's generator and decode them to PNGs.",
                "Writes sample-000.png, ...; needs a bundle with a trained generator (model.json file role \"generator\").",
                "A VQ bundle's generator is a MaskGIT token generator (eqvae train-maskgit): iterative decoding."})
final class SampleCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Folder for the images.")
    Path output;

    @Option(names = {"-n", "--count"}, defaultValue = "4", description = "Number of samples (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--size", defaultValue = "256", paramLabel = "PX",
            description = "Image side in pixels, a multiple of the downsampling factor (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--class", paramLabel = "K", description = "MaskGIT: class of every sample, or numClasses for unconditional (default: i mod numClasses).")
    Integer cls;

    @Option(names = "--steps", paramLabel = "T", description = "MaskGIT: decoding steps (default 8).")
    Integer steps;

    @Option(names = "--cfg", paramLabel = "S", description = "MaskGIT: classifier-free guidance scale (1 = none, the default).")
    Double cfg;

    @Option(names = "--temperature", paramLabel = "T", description = "MaskGIT: sampling temperature (default 1).")
    Double temperature;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.open(model.requireModel());
        if (MaskGitSampler.handles(bundle)) {
            MaskGitSampling.write(bundle, model.runtimeOptions(), output, count, cls, steps, cfg, temperature, seed);
            return 0;
        }
        int f = bundle.manifest().downsamplingFactor();
        if (size < f || size % f != 0) {
            throw new IllegalArgumentException("--size " + size + " must be a positive multiple of the downsampling factor " + f);
        }
        try (Sampler sampler = Sampler.open(bundle, model.runtimeOptions()); Autoencoder ae = Autoencoder.open(bundle, model.runtimeOptions())) {
            ProgressBar bar = new ProgressBar(System.err);
            for (int i = 0; i < count; i++) {
                bar.progress(i, count, "sample " + (i + 1));
                FloatTensor z = sampler.sample(1, size / f, size / f, seed + i);
                ImageFiles.writePng(model.codec(ae).decode(z), output.resolve(String.format("sample-%03d.png", i)));
            }
            bar.progress(count, count, "done");
            System.out.printf("wrote %d samples to %s%n", count, output);
            return 0;
        }
    }
}
