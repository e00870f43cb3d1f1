package org.eqvae4j.training;

/** Where a training session runs its kernels. */
public enum ExecutionProvider {
    CPU("CPUExecutionProvider"),
    /**
     * NVIDIA GPUs. Needs bytedeco's GPU natives and the CUDA 13 / cuDNN 9 redistributables on the class
     * path (the Maven profile {@code cuda}); without them, or without a GPU, sessions fall back to CPU.
     */
    CUDA("CUDAExecutionProvider");

    private final String ortName;

    ExecutionProvider(String ortName) {
        this.ortName = ortName;
    }

    /** The provider's name in ONNX Runtime, e.g. "CUDAExecutionProvider". */
    public String ortName() {
        return ortName;
    }
}
