package org.eqvae4j.fiji.command;

import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Models;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** A bundle's description and measured metrics (see {@link EqvaeOps#info}). */
@Plugin(type = Command.class, label = "EQ-VAE Model Info", headless = true)
public final class ModelInfoCommand extends EqvaeCommand {
    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(type = ItemIO.OUTPUT)
    String info;

    @Override
    String title() {
        return "EQ-VAE Model Info";
    }

    @Override
    void execute() throws Exception {
        try (Models.Resolved r = Models.resolve(model, shipped())) {
            StringBuilder sb = new StringBuilder();
            EqvaeOps.info(r.bundle())
                    .forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
            info = sb.toString();
        }
    }
}
