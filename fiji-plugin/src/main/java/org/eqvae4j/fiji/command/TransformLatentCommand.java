package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Scale, rotate, flip or crop a latent (see {@link EqvaeOps#transform}); no model needed. */
@Plugin(type = Command.class, label = "EQ-VAE Transform Latent", headless = true)
public final class TransformLatentCommand extends EqvaeCommand {
    @Parameter
    ImagePlus latent;

    @Parameter(label = "Transform (scale=S, rot=K, flip=h|v, crop=y:x:h:w)")
    String transform = "scale=0.5,rot=1";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus transformed;

    @Override
    String title() {
        return "EQ-VAE Transform Latent";
    }

    @Override
    void execute() throws Exception {
        ImagePlusTensors.checked(latent);
        transformed = EqvaeOps.transform(latent, transform);
    }
}
