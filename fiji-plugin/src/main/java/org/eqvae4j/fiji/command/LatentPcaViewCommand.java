package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.LatentImages;
import org.eqvae4j.fiji.OpenModel;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Top three principal components of a latent as RGB; other images are encoded first (see {@link EqvaeOps#pcaView}). */
@Plugin(type = Command.class, label = "EQ-VAE Latent PCA View", headless = true)
public final class LatentPcaViewCommand extends EqvaeCommand {
    @Parameter
    ImagePlus image;

    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(label = "Intensity (auto, linear, percentile[:low:high])")
    String intensity = "auto";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus pca;

    @Override
    String title() {
        return "EQ-VAE Latent PCA View";
    }

    @Override
    void execute() throws Exception {
        ImagePlusTensors.checked(image);
        if (LatentImages.isLatent(image)) {
            pca = EqvaeOps.pcaView(image, null, intensity, monitor());
            return;
        }
        try (OpenModel m = open(model)) {
            pca = EqvaeOps.pcaView(image, m.codec(), intensity, monitor());
        }
    }
}
