package org.eqvae4j.fiji.ij1;

import ij.gui.GenericDialog;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;
import org.eqvae4j.runtime.generator.LatentSampler;

/** Plugins > EQ-VAE > EQ-VAE Sample: images from a bundle's latent generator (bundles without one say so). */
public final class SamplePlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Sample";
    }

    @Override
    void execute() throws Exception {
        List<Models.Shipped> shipped = Ij.shipped();
        GenericDialog gd = new GenericDialog(title());
        addModel(gd, shipped, null);
        gd.addNumericField("Count", 4, 0);
        gd.addNumericField("Class (-1 = every class in turn)", -1, 0);
        gd.addNumericField("Seed", 0, 0);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String model = gd.getNextString();
        int count = (int) gd.getNextNumber();
        int cls = (int) gd.getNextNumber();
        long seed = (long) gd.getNextNumber();
        try (OpenModel m = open(model, shipped);
                LatentSampler sampler = LatentSampler.open(m.bundle(), m.autoencoder(), Ij.runtimeOptions())) {
            EqvaeOps.sample(sampler, m.codec(), count, cls, seed, monitor()).show();
        }
    }
}
