package org.eqvae4j.fiji.command;

import java.io.File;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.ModelInstaller;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Installs a bundle folder, .zip or bioimage.io package into the plugin's models folder (see {@link ModelInstaller}). */
@Plugin(type = Command.class, label = "EQ-VAE Install Model...", headless = true)
public final class InstallModelCommand extends EqvaeCommand {
    @Parameter(label = "Source (bundle folder, .zip or bioimage.io rdf.yaml)", style = "both")
    File source;

    @Parameter(label = "Replace an installed bundle of the same id")
    boolean replace;

    @Parameter(type = ItemIO.OUTPUT)
    String id;

    @Override
    String title() {
        return "EQ-VAE Install Model...";
    }

    @Override
    void execute() throws Exception {
        if (source == null) {
            throw new IllegalArgumentException("no source given: a bundle folder, a .zip or a bioimage.io package");
        }
        ModelInstaller.Installed r = ModelInstaller.install(source.toPath(), Ij.installFolder(), replace);
        log.info(title() + ": " + r.id() + (r.alreadyInstalled() ? " is already installed in " : " installed into ")
                + r.folder());
        id = r.id();
    }
}
