package org.eqvae4j.runtime.progress;

/** Progress of long work; the CLI renders it as a progress bar, Fiji in its status bar. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total, message) -> {};

    /** {@code done} of {@code total} items finished; {@code message} names the current item. */
    void progress(int done, int total, String message);
}
