package org.eqvae4j.fiji.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.GenericDialog;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;

/**
 * Plugins > EQ-VAE > EQ-VAE Round Trip: encode and decode the current image (PSNR in the Results
 * table); with a transform also tau(x) and D(tau(E(x))).
 */
public final class RoundTripPlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Round Trip";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = currentImage();
        List<Models.Shipped> shipped = Ij.shipped();
        GenericDialog gd = new GenericDialog(title());
        addModel(gd, shipped, null);
        addIntensity(gd);
        gd.addStringField("Transform (optional, e.g. scale=0.5,rot=1)", "", 24);
        addResultType(gd);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String model = gd.getNextString();
        String intensity = gd.getNextString();
        String transform = gd.getNextString();
        ImagePlusTensors.ResultType type = ImagePlusTensors.ResultType.parse(gd.getNextChoice());
        try (OpenModel m = open(model, shipped)) {
            EqvaeOps.RoundTripped r = EqvaeOps.roundTrip(imp, m.codec(), intensity, transform, type, monitor());
            r.reconstruction().show();
            if (r.transformed() != null) {
                r.transformed().show();
                r.transformedDecoded().show();
            }
            results(r.metrics());
            if (((Number) r.metrics().get("clipped")).longValue() > 0) {
                IJ.log(title() + ": " + r.metrics().get("clipped")
                        + " values did not fit the result type and were clipped;" + " result=32-bit keeps them");
            }
        }
    }
}
