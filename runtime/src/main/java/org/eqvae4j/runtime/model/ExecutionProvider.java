package org.eqvae4j.runtime.model;

import java.util.Locale;

/**
 * Where ONNX Runtime executes the models. Only the CPU is wired up so far; a GPU provider (CUDA through
 * the {@code onnxruntime_gpu} jar) is meant to become another constant here, applied in
 * {@link OrtSessions#create}, falling back to the CPU with a message where it is not available.
 */
public enum ExecutionProvider {
    CPU;

    public static ExecutionProvider parse(String s) {
        for (ExecutionProvider p : values()) {
            if (p.name().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown execution provider '" + s + "' (this build supports: "
                + java.util.Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList() + ")");
    }
}
