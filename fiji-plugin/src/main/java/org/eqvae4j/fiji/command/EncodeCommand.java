package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.OpenModel;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Image to latent hyperstack (see {@link EqvaeOps#encode}). */
@Plugin(type = Command.class, label = "EQ-VAE Encode", headless = true)
public final class EncodeCommand extends EqvaeCommand {
    @Parameter
    ImagePlus image;

    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(label = "Intensity (auto, linear, percentile[:low:high])")
    String intensity = "auto";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus latent;

    @Override
    String title() {
        return "EQ-VAE Encode";
    }

    @Override
    void execute() throws Exception {
        ImagePlusTensors.checked(image);
        try (OpenModel m = open(model)) {
            latent = EqvaeOps.encode(image, m.codec(), intensity, monitor()).latent();
        }
    }
}
