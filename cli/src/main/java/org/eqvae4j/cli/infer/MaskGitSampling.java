package org.eqvae4j.cli.infer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.MaskGitSampler;
import org.eqvae4j.runtime.model.RuntimeOptions;
import org.eqvae4j.runtime.model.TokenGrid;

/** `eqvae sample` for a VQ bundle with a MaskGIT generator: iterative decoding, then the VQ decoder. */
public final class MaskGitSampling {
    private MaskGitSampling() {
    }

    /**
     * @param cls      class of every sample, or null for class i mod numClasses
     * @param steps    decoding steps, or null for the default (8)
     * @param cfgScale guidance scale, or null for none (1)
     */
    static void write(ModelBundle bundle, RuntimeOptions options, Path output, int count, Integer cls, Integer steps, Double cfgScale,
                      Double temperature, long seed) throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be >= 1, got " + count);
        }
        try (MaskGitSampler s = MaskGitSampler.open(bundle, options); Autoencoder ae = Autoencoder.open(bundle, options)) {
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = cls != null ? cls : i % s.numClasses();
            }
            MaskGitSampler.Settings set = s.defaults();
            if (steps != null) {
                set = set.withSteps(steps);
            }
            if (cfgScale != null) {
                set = set.withCfgScale(cfgScale);
            }
            if (temperature != null) {
                set = set.withTemperature(temperature);
            }
            ProgressBar bar = new ProgressBar(System.err);
            bar.progress(0, count, "MaskGIT decoding of " + count + " token grids (" + set.steps() + " steps, " + s.schedule().name().toLowerCase()
                    + " schedule, cfg " + set.cfgScale() + ")");
            TokenGrid tokens = s.sample(labels, set, seed);
            Files.createDirectories(output);
            for (int i = 0; i < count; i++) {
                ImageFiles.writePng(ae.decodeIndices(tokens.sample(i)), output.resolve(String.format("sample-%03d.png", i)));
                bar.progress(i + 1, count, "decoded sample " + (i + 1) + " (class " + labels[i] + ")");
            }
            System.out.printf("wrote %d samples to %s%n", count, output);
        }
    }
}
