package org.eqvae4j.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import java.nio.file.Path;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.ModelInstaller;

/**
 * Plugins > EQ-VAE > EQ-VAE Install Model...: copies a bundle folder, a bundle .zip or a bioimage.io
 * package (as eqvae export-bioimageio writes them) into Fiji.app/models/eqvae4j, where every command
 * offers it by name; it becomes the default model. Macro: {@code run("EQ-VAE Install Model...",
 * "source=/path/to/bundle.zip replace");}
 */
public final class InstallModelPlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Install Model...";
    }

    @Override
    void execute() throws Exception {
        GenericDialog gd = new GenericDialog(title());
        addPathField(gd, "Source (bundle folder, .zip or bioimage.io rdf.yaml)", "", false);
        gd.addCheckbox("Replace an installed bundle of the same id", false);
        gd.addMessage("Installs into " + Ij.installFolder());
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String source = gd.getNextString().trim();
        boolean replace = gd.getNextBoolean();
        if (source.isEmpty()) {
            throw new IllegalArgumentException(
                    "no source given: source=PATH to a bundle folder, a .zip or a bioimage.io package");
        }
        IJ.showStatus(title() + ": installing " + source);
        ModelInstaller.Installed r = ModelInstaller.install(Path.of(source), Ij.installFolder(), replace);
        Ij.rememberModel(r.id());
        IJ.showStatus(title() + ": " + r.id() + (r.alreadyInstalled() ? " was already installed" : " installed"));
        IJ.log(title() + ": " + r.id() + (r.alreadyInstalled() ? " is already installed in " : " installed into ")
                + r.folder() + " (from " + r.from() + "); now the default model");
    }
}
