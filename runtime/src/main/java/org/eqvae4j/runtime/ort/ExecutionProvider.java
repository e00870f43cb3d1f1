package org.eqvae4j.runtime.ort;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where ONNX Runtime executes a model, for inference and training sessions alike ({@link RuntimeOptions}).
 *
 * <p>CUDA needs an ONNX Runtime build with the CUDA provider on the class path: the
 * {@code onnxruntime_gpu} jar (Maven profile {@code cuda} of the runtime module) or, where the training
 * natives are used (training, cli), bytedeco's GPU natives (profile {@code cuda} there), plus the CUDA and
 * cuDNN libraries and a GPU. When any of that is missing, sessions run on the CPU and one warning says why
 * ({@link ProviderChoice}).
 */
public enum ExecutionProvider {
    CPU("CPUExecutionProvider"),
    /** NVIDIA GPUs through ONNX Runtime's CUDA execution provider. */
    CUDA("CUDAExecutionProvider");

    private final String ortName;

    ExecutionProvider(String ortName) {
        this.ortName = ortName;
    }

    /** The provider's name in ONNX Runtime, e.g. "CUDAExecutionProvider". */
    public String ortName() {
        return ortName;
    }

    /** The lower-case name used on the command line ({@code cpu}, {@code cuda}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code cpu} or {@code cuda} (any case); the message lists the accepted names. */
    public static ExecutionProvider parse(String s) {
        if (s != null) {
            for (ExecutionProvider p : values()) {
                if (p.name().equalsIgnoreCase(s.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown execution provider '" + s + "' (expected one of "
                + Arrays.stream(values()).map(ExecutionProvider::cliName).toList() + ")");
    }
}
