package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.OpenModel;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Latent hyperstack to an image like the one encoded (see {@link EqvaeOps#decode}). */
@Plugin(type = Command.class, label = "EQ-VAE Decode", headless = true)
public final class DecodeCommand extends EqvaeCommand {
    @Parameter
    ImagePlus latent;

    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(label = "Ignore bundle id")
    boolean ignore;

    @Parameter(
            label = "Result type",
            choices = {"same", "32-bit"})
    String result = "same";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus image;

    @Parameter(type = ItemIO.OUTPUT)
    long clipped;

    @Override
    String title() {
        return "EQ-VAE Decode";
    }

    @Override
    void execute() throws Exception {
        ImagePlusTensors.checked(latent);
        try (OpenModel m = open(model)) {
            EqvaeOps.Decoded d =
                    EqvaeOps.decode(latent, m.codec(), ignore, ImagePlusTensors.ResultType.parse(result), monitor());
            image = d.image();
            clipped = ((Number) d.metrics().get("clipped")).longValue();
        }
    }
}
