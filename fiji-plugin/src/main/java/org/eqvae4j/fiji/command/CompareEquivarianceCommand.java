package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.OpenModel;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** The paper's Figure 2 panel for the current plane, with PSNRs and equivariance error (see {@link EqvaeOps#compareEquivariance}). */
@Plugin(type = Command.class, label = "EQ-VAE Compare Equivariance", headless = true)
public final class CompareEquivarianceCommand extends EqvaeCommand {
    @Parameter
    ImagePlus image;

    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(label = "Intensity (auto, linear, percentile[:low:high])")
    String intensity = "auto";

    @Parameter(label = "Transform")
    String transform = "scale=0.5,rot=1";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus panel;

    @Parameter(type = ItemIO.OUTPUT)
    double psnr;

    @Parameter(type = ItemIO.OUTPUT)
    double transformedPsnr;

    @Parameter(type = ItemIO.OUTPUT)
    double equivarianceError;

    @Override
    String title() {
        return "EQ-VAE Compare Equivariance";
    }

    @Override
    void execute() throws Exception {
        ImagePlusTensors.checked(image);
        try (OpenModel m = open(model)) {
            EqvaeOps.Compared c = EqvaeOps.compareEquivariance(image, m.codec(), intensity, transform, monitor());
            panel = c.panel();
            psnr = ((Number) c.metrics().get("psnr_db")).doubleValue();
            transformedPsnr = ((Number) c.metrics().get("transformed_psnr_db")).doubleValue();
            equivarianceError = ((Number) c.metrics().get("equivariance_error")).doubleValue();
        }
    }
}
