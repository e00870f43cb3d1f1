package org.eqvae4j.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;

/**
 * Plugins > EQ-VAE > EQ-VAE Model Info: choose the model the other commands offer first (a shipped
 * bundle, or a bundle folder or .zip from disk) and show its description and measured metrics.
 */
public final class ModelInfoPlugIn extends EqvaePlugIn {
    static final String OTHER = "(folder or zip below)";

    @Override
    String title() {
        return "EQ-VAE Model Info";
    }

    @Override
    void execute() throws Exception {
        List<Models.Shipped> shipped = Ij.shipped();
        List<String> names =
                new ArrayList<>(shipped.stream().map(Models.Shipped::name).toList());
        names.add(OTHER);
        String preferred = Ij.defaultModel(shipped);
        GenericDialog gd = new GenericDialog(title());
        gd.addChoice("Model", names.toArray(String[]::new), names.contains(preferred) ? preferred : OTHER);
        String path = names.contains(preferred) ? "" : preferred;
        addPathField(gd, "Path (bundle folder or .zip)", path, false);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String choice = gd.getNextChoice();
        String chosenPath = gd.getNextString().trim();
        String model = OTHER.equals(choice) ? chosenPath : choice;
        try (Models.Resolved r = Models.resolve(model, shipped)) {
            Map<String, Object> info = EqvaeOps.info(r.bundle());
            Ij.rememberModel(model);
            Ij.infoTable(info);
            IJ.log(title() + ": " + info.get("id") + " (" + info.get("name") + "), " + info.get("image_channels")
                    + " -> "
                    + info.get("latent_channels") + " channels, x" + info.get("downsampling") + ", generator: "
                    + info.get("generator") + "; now the default model");
        }
    }
}
