package org.eqvae4j.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;

/** Plugins > EQ-VAE > EQ-VAE Encode: the current image to a latent hyperstack. */
public final class EncodePlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Encode";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = currentImage();
        List<Models.Shipped> shipped = Ij.shipped();
        GenericDialog gd = new GenericDialog(title());
        addModel(gd, shipped, null);
        addIntensity(gd);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String model = gd.getNextString();
        String intensity = gd.getNextString();
        try (OpenModel m = open(model, shipped)) {
            EqvaeOps.Encoded e = EqvaeOps.encode(imp, m.codec(), intensity, monitor());
            e.latent().show();
            results(e.metrics());
        }
    }
}
