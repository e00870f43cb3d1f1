package org.eqvae4j.fiji.command;

import ij.ImagePlus;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.OpenModel;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Encode + decode with PSNR; with a transform also tau(x) and D(tau(E(x))) (see {@link EqvaeOps#roundTrip}). */
@Plugin(type = Command.class, label = "EQ-VAE Round Trip", headless = true)
public final class RoundTripCommand extends EqvaeCommand {
    @Parameter
    ImagePlus image;

    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(label = "Intensity (auto, linear, percentile[:low:high])")
    String intensity = "auto";

    @Parameter(label = "Transform (optional)", required = false)
    String transform = "";

    @Parameter(
            label = "Result type",
            choices = {"same", "32-bit"})
    String result = "same";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus reconstruction;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus transformedDecoded;

    @Parameter(type = ItemIO.OUTPUT)
    double psnr;

    @Parameter(type = ItemIO.OUTPUT)
    double transformedPsnr = Double.NaN;

    @Override
    String title() {
        return "EQ-VAE Round Trip";
    }

    @Override
    void execute() throws Exception {
        ImagePlusTensors.checked(image);
        try (OpenModel m = open(model)) {
            EqvaeOps.RoundTripped r = EqvaeOps.roundTrip(
                    image, m.codec(), intensity, transform, ImagePlusTensors.ResultType.parse(result), monitor());
            reconstruction = r.reconstruction();
            transformedDecoded = r.transformedDecoded();
            psnr = ((Number) r.metrics().get("psnr_db")).doubleValue();
            if (r.transformedDecoded() != null) {
                transformedPsnr = ((Number) r.metrics().get("transformed_psnr_db")).doubleValue();
            }
        }
    }
}
