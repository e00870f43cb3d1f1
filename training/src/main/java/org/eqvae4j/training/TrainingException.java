package org.eqvae4j.training;

/** ONNX Runtime refused a training call; the message says which call and ONNX Runtime's reason. */
public class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
