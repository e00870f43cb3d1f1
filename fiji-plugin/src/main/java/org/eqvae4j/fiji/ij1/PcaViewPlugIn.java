package org.eqvae4j.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.LatentImages;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;

/**
 * Plugins > EQ-VAE > EQ-VAE Latent PCA View: the top three principal components of a latent as RGB.
 * A latent image needs no options; any other image is encoded first with the chosen model.
 */
public final class PcaViewPlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Latent PCA View";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = currentImage();
        if (LatentImages.isLatent(imp)) {
            EqvaeOps.pcaView(imp, null, null, monitor()).show();
            return;
        }
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
            EqvaeOps.pcaView(imp, m.codec(), intensity, monitor()).show();
        }
    }
}
