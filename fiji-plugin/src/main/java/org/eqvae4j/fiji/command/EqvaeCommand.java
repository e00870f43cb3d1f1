package org.eqvae4j.fiji.command;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.Monitor;
import org.eqvae4j.fiji.OpenModel;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

/**
 * Base of the SciJava commands: the same operations as the Plugins > EQ-VAE menu (which the ImageJ 1
 * plugins own, so that Fiji shows each command once), for scripts, PyImageJ and
 * {@code CommandService.run}. They carry no menu path. A failure cancels the module with the message
 * ({@code module.getCancelReason()}) and logs it; progress goes to the status service, and cancelling the
 * module's future interrupts the work between model calls.
 */
abstract class EqvaeCommand extends ContextCommand {
    @Parameter
    StatusService status;

    @Parameter
    LogService log;

    abstract String title();

    abstract void execute() throws Exception;

    @Override
    public final void run() {
        try {
            execute();
            status.clearStatus();
        } catch (CancellationException e) {
            cancel(title() + ": cancelled");
        } catch (Exception | OutOfMemoryError e) {
            String msg = title() + ": " + Ij.message(e);
            log.error(msg);
            cancel(msg);
        }
    }

    Monitor monitor() {
        return (done, total, message) -> {
            status.showStatus(done, total, title() + ": " + message);
        };
    }

    /** As the menu commands find them: eqvae.home/models, Fiji.app/models/eqvae4j, the eqvae.models folder. */
    static List<Models.Shipped> shipped() {
        return Ij.shipped();
    }

    static OpenModel open(String model) throws Exception {
        return OpenModel.open(model, shipped(), Ij.runtimeOptions());
    }
}
