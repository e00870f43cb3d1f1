package org.eqvae4j.cli.tools;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Validate a model bundle and print its manifest.")
public final class InfoCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle folder.")
    Path model;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.open(model);
        ModelManifest m = bundle.manifest();
        System.out.printf("bundle        %s%n", bundle.root().toAbsolutePath().normalize());
        System.out.printf("id            %s (%s)%n", m.id(), m.name());
        System.out.printf(
                "architecture  %s, latent kind %s%n",
                m.architecture(), m.kind().name().toLowerCase());
        System.out.printf(
                "geometry      %d image channels -> %d latent channels, downsampling x%d%n",
                m.imageChannels(), m.latentChannels(), m.downsamplingFactor());
        if (m.codebookSize() != null) {
            System.out.printf(
                    "codebook      %d entries of %d (indices -> vectors: %s)%n",
                    m.codebookSize(), m.latentChannels(), m.files().get(ModelManifest.CODEBOOK));
        }
        System.out.printf(
                "values        [%s, %s], latent scale %s, shift %s%n",
                m.valueRange()[0], m.valueRange()[1], m.latentScale(), m.latentShift());
        System.out.printf(
                "tiling        %d px tiles, %d px halo; whole-image stages split out: %s%n",
                m.tileSize(),
                m.tileHalo(),
                bundle.has(ModelManifest.DECODER_GLOBAL) || bundle.has(ModelManifest.ENCODER_GLOBAL) ? "yes" : "no");
        System.out.printf(
                "generator     %s%n",
                bundle.has(ModelManifest.GENERATOR)
                        ? m.files().get(ModelManifest.GENERATOR)
                        : "none (sample needs one)");
        if (m.generator() != null) {
            var g = m.generator();
            System.out.printf(
                    java.util.Locale.ROOT,
                    "generator     %s, %d classes (+ null class %d), latents %dx%d, defaults: %s %d steps, cfg %s%n",
                    g.architecture(),
                    g.numClasses(),
                    g.nullClass(),
                    g.latentSize()[0],
                    g.latentSize()[1],
                    g.sampler(),
                    g.steps(),
                    g.cfgScale());
        }
        System.out.printf("files         %s%n", m.files());
        System.out.printf("license       %s%n", m.license());
        m.provenance().forEach((k, v) -> System.out.printf("provenance    %s: %s%n", k, v));
        m.metrics().forEach((k, v) -> System.out.printf("metric        %s: %s%n", k, v));
        return 0;
    }
}
