package org.eqvae4j.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.ImagePlusTensors;
import org.eqvae4j.fiji.LatentImages;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;

/** Plugins > EQ-VAE > EQ-VAE Decode: the current latent image to an image like the one encoded. */
public final class DecodePlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Decode";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = currentImage();
        String encodedBy = LatentImages.read(imp).latent().header().bundleId();
        List<Models.Shipped> shipped = Ij.shipped();
        boolean shippedId = shipped.stream().anyMatch(s -> s.name().equals(encodedBy) || s.id().equals(encodedBy));
        GenericDialog gd = new GenericDialog(title());
        addModel(gd, shipped, shippedId ? encodedBy : null);
        gd.addCheckbox("Ignore bundle id (decode another model's latent)", false);
        addResultType(gd);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String model = gd.getNextString();
        boolean ignore = gd.getNextBoolean();
        ImagePlusTensors.ResultType type = ImagePlusTensors.ResultType.parse(gd.getNextChoice());
        try (OpenModel m = open(model, shipped)) {
            EqvaeOps.Decoded d = EqvaeOps.decode(imp, m.codec(), ignore, type, monitor());
            d.image().show();
            results(d.metrics());
            if (((Number) d.metrics().get("clipped")).longValue() > 0) {
                ij.IJ.log(title() + ": " + d.metrics().get("clipped")
                        + " values did not fit the result type and were clipped;" + " result=32-bit keeps them");
            }
        }
    }
}
