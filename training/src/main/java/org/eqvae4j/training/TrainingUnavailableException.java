package org.eqvae4j.training;

/** ONNX Runtime's training natives could not be loaded; the message says why and what is needed. */
public final class TrainingUnavailableException extends TrainingException {
    public TrainingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
