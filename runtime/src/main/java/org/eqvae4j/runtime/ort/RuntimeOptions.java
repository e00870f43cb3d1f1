package org.eqvae4j.runtime.ort;

import java.nio.file.Path;

/**
 * How ONNX Runtime runs a bundle's models.
 *
 * @param intraOpThreads threads one model call may use, 0 for ONNX Runtime's default (all cores)
 * @param provider       where the models run; CUDA falls back to the CPU with a warning when it cannot be used
 * @param cudaDevice     the GPU index when the provider is CUDA
 * @param profilePrefix  null, or the path prefix of ONNX Runtime's profiler traces: each session then writes
 *                       {@code <prefix>-<role>_<time>.json} when it is closed (for benchmarks; it costs time)
 */
public record RuntimeOptions(int intraOpThreads, ExecutionProvider provider, int cudaDevice, Path profilePrefix) {
    public static final RuntimeOptions DEFAULT = new RuntimeOptions(0, ExecutionProvider.CPU, 0);

    public RuntimeOptions {
        if (intraOpThreads < 0 || intraOpThreads > maxThreads()) {
            throw new IllegalArgumentException("thread count must be 0 (all cores) to " + maxThreads()
                    + " (4 per core of this machine's " + Runtime.getRuntime().availableProcessors()
                    + "; ONNX Runtime starts that many threads), got " + intraOpThreads);
        }
        if (provider == null) {
            throw new IllegalArgumentException("execution provider is missing (cpu or cuda)");
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + cudaDevice);
        }
    }

    /** More threads than this only cost memory (each has a stack) and contention: 4 per core, at least 16. */
    public static int maxThreads() {
        return Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
    }

    /** Without the profiler. */
    public RuntimeOptions(int intraOpThreads, ExecutionProvider provider, int cudaDevice) {
        this(intraOpThreads, provider, cudaDevice, null);
    }

    /** The given provider on device 0. */
    public RuntimeOptions(int intraOpThreads, ExecutionProvider provider) {
        this(intraOpThreads, provider, 0);
    }

    /** CPU with the given thread count (0 = all cores). */
    public static RuntimeOptions threads(int intraOpThreads) {
        return new RuntimeOptions(intraOpThreads, ExecutionProvider.CPU, 0);
    }

    public RuntimeOptions withThreads(int threads) {
        return new RuntimeOptions(threads, provider, cudaDevice, profilePrefix);
    }

    public RuntimeOptions withProvider(ExecutionProvider p) {
        return new RuntimeOptions(intraOpThreads, p, cudaDevice, profilePrefix);
    }

    public RuntimeOptions withCudaDevice(int device) {
        return new RuntimeOptions(intraOpThreads, provider, device, profilePrefix);
    }

    /** The same options with ONNX Runtime's profiler on, writing traces under {@code prefix} (null: off). */
    public RuntimeOptions withProfiling(Path prefix) {
        return new RuntimeOptions(intraOpThreads, provider, cudaDevice, prefix);
    }
}
