package org.eqvae4j.training;

/** The loss became NaN or infinite; the message says which step and where the last good checkpoint is. */
public final class TrainingDivergedException extends IllegalStateException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
