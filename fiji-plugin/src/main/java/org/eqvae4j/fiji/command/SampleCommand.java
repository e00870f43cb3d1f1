package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.OpenModel;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Images from a bundle's latent generator (see {@link EqvaeOps#sample}); bundles without one say so. */
@Plugin(type = Command.class, label = "EQ-VAE Sample", headless = true)
public final class SampleCommand extends EqvaeCommand {
    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(min = "1")
    int count = 4;

    @Parameter(label = "Class (-1 = every class in turn)", min = "-1")
    int cls = -1;

    @Parameter
    long seed;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus samples;

    @Override
    String title() {
        return "EQ-VAE Sample";
    }

    @Override
    void execute() throws Exception {
        try (OpenModel m = open(model);
                LatentSampler sampler = LatentSampler.open(m.bundle(), m.autoencoder(), Ij.runtimeOptions())) {
            samples = EqvaeOps.sample(sampler, m.codec(), count, cls, seed, monitor());
        }
    }
}
