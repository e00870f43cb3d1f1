package org.eqvae4j.training;

import org.eqvae4j.runtime.ort.ExecutionProvider;

/**
 * How a training session runs.
 *
 * @param intraOpThreads    threads per operator; 0 lets ONNX Runtime choose (one per physical core)
 * @param executionProvider CPU, or CUDA with a fallback to CPU when CUDA cannot be used
 * @param cudaDevice        the GPU index when CUDA is requested
 */
public record TrainingOptions(int intraOpThreads, ExecutionProvider executionProvider, int cudaDevice) {

    public TrainingOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's choice), got " + intraOpThreads);
        }
        if (executionProvider == null) {
            throw new IllegalArgumentException("an execution provider must be given");
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("cudaDevice must be >= 0, got " + cudaDevice);
        }
    }

    /** CPU, ONNX Runtime's choice of threads. */
    public static TrainingOptions defaults() {
        return new TrainingOptions(0, ExecutionProvider.CPU, 0);
    }

    public TrainingOptions withThreads(int threads) {
        return new TrainingOptions(threads, executionProvider, cudaDevice);
    }

    public TrainingOptions withExecutionProvider(ExecutionProvider provider) {
        return new TrainingOptions(intraOpThreads, provider, cudaDevice);
    }

    public TrainingOptions withCudaDevice(int device) {
        return new TrainingOptions(intraOpThreads, executionProvider, device);
    }
}
