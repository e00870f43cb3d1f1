package org.eqvae4j.runtime.model;

/**
 * How ONNX Runtime runs a bundle's models.
 *
 * @param intraOpThreads threads one model call may use, 0 for ONNX Runtime's default (all cores)
 * @param provider       where the models run
 */
public record RuntimeOptions(int intraOpThreads, ExecutionProvider provider) {
    public static final RuntimeOptions DEFAULT = new RuntimeOptions(0, ExecutionProvider.CPU);

    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("thread count must be >= 0 (0 = all cores), got " + intraOpThreads);
        }
        if (provider == null) {
            throw new IllegalArgumentException("execution provider is missing (cpu)");
        }
    }

    public static RuntimeOptions threads(int intraOpThreads) {
        return new RuntimeOptions(intraOpThreads, ExecutionProvider.CPU);
    }
}
