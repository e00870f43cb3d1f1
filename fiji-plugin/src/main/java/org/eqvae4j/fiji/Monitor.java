package org.eqvae4j.fiji;

import java.util.concurrent.CancellationException;
import org.eqvae4j.runtime.progress.ProgressListener;

/**
 * Progress and cancellation of a long operation: ImageJ's status bar and Esc key, SciJava's status
 * service and a cancelled module (an interrupted thread). Work checks {@link #check} between model calls.
 */
public interface Monitor {
    Monitor NONE = (done, total, message) -> {};

    void progress(int done, int total, String message);

    /** True once the user asked to stop. The default: this thread was interrupted. */
    default boolean cancelled() {
        return Thread.currentThread().isInterrupted();
    }

    /** Throws {@link CancellationException} when cancelled. */
    default void check() {
        if (cancelled()) {
            throw new CancellationException("cancelled by the user");
        }
    }

    /** As the runtime's listener: reports progress, and stops (throws) when cancelled. */
    default ProgressListener listener() {
        return (done, total, message) -> {
            check();
            progress(done, total, message);
        };
    }
}
