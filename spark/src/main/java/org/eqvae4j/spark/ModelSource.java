package org.eqvae4j.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.ort.RuntimeOptions;

/**
 * Where an executor gets the model and how it runs it: the bundle as broadcast bytes, or a folder every
 * executor can read (shared storage); ONNX Runtime threads and provider; tiling. Sent with each task (small:
 * the broadcast is a handle).
 *
 * @param shipped     the bundle's bytes, or null to open {@code bundlePath} on each executor
 * @param bundlePath  the bundle folder (for messages when shipped)
 * @param threads     ONNX Runtime intra-op threads per model call (at least 1, so tasks x threads fit the cores)
 * @param tiling      auto, always or never
 * @param tileSize    or null for the bundle's
 * @param tileHalo    or null for the bundle's
 */
public record ModelSource(
        Broadcast<BundleBytes> shipped,
        String bundlePath,
        int threads,
        ExecutionProvider provider,
        int cudaDevice,
        String tiling,
        Integer tileSize,
        Integer tileHalo)
        implements Serializable {
    public ModelSource {
        if (threads < 1) {
            throw new IllegalArgumentException("ONNX Runtime threads per task must be at least 1, got " + threads);
        }
        if (!java.util.List.of("auto", "always", "never").contains(tiling)) {
            throw new IllegalArgumentException("tiling must be auto, always or never, got '" + tiling + "'");
        }
    }

    RuntimeOptions runtimeOptions() {
        return new RuntimeOptions(threads, provider, cudaDevice);
    }

    /** Executors share one model per key: the same bundle content (or folder) run the same way. */
    String cacheKey() {
        String bundle = shipped != null ? "sha256:" + shipped.value().digest() : "path:" + bundlePath;
        return bundle + "|threads=" + threads + "|" + provider + "|cuda=" + cudaDevice;
    }
}
