package org.eqvae4j.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;

/**
 * Plugins > EQ-VAE > EQ-VAE Compare Equivariance: the paper's Figure 2 panel for the current plane,
 * x | D(E(x)) | tau(x) | D(tau(E(x))), with PSNRs and the equivariance error in the Results table.
 */
public final class ComparePlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Compare Equivariance";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = currentImage();
        List<Models.Shipped> shipped = Ij.shipped();
        GenericDialog gd = new GenericDialog(title());
        addModel(gd, shipped, null);
        addIntensity(gd);
        gd.addStringField("Transform", "scale=0.5,rot=1", 24);
        gd.addMessage(TransformPlugIn.HELP);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String model = gd.getNextString();
        String intensity = gd.getNextString();
        String transform = gd.getNextString();
        try (OpenModel m = open(model, shipped)) {
            EqvaeOps.Compared c = EqvaeOps.compareEquivariance(imp, m.codec(), intensity, transform, monitor());
            c.panel().show();
            results(c.metrics());
        }
    }
}
