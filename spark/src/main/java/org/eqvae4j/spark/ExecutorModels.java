package org.eqvae4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.io.AtomicFolders;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model per executor JVM. Spark gives an executor no lifecycle of its own to hang a model on, so this
 * is a JVM-wide registry: the one piece of static mutable state in the project, on purpose (SynapseML and
 * Spark NLP do the same). Every task of the executor shares the model (ONNX Runtime sessions are
 * thread-safe), opened by the first task that needs it; the sessions are closed by a shutdown hook when the
 * executor JVM exits, or by {@link #closeAll()} (the in-process {@code eqvae spark} command after the job).
 */
public final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<String, Autoencoder> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "eqvae4j-close-models"));
    }

    private ExecutorModels() {}

    /** The executor's model for {@code source}, opened on first use, wrapped for tiling as the source says. */
    public static LatentCodec codec(ModelSource source) {
        Autoencoder ae = OPEN.computeIfAbsent(source.cacheKey(), k -> open(source));
        long maxUntiled = switch (source.tiling()) {
            case "always" -> 0;
            case "never" -> Long.MAX_VALUE;
            default -> TiledAutoencoder.DEFAULT_MAX_UNTILED_PIXELS;
        };
        return new TiledAutoencoder(
                ae,
                source.tileSize() == null ? ae.manifest().tileSize() : source.tileSize(),
                source.tileHalo() == null ? ae.manifest().tileHalo() : source.tileHalo(),
                maxUntiled);
    }

    /** How many models this JVM holds open. */
    public static int openCount() {
        return OPEN.size();
    }

    /** Closes every model of this JVM; a later task opens its model again. */
    public static void closeAll() {
        List<String> keys = new ArrayList<>(OPEN.keySet());
        for (String k : keys) {
            Autoencoder ae = OPEN.remove(k);
            if (ae != null) {
                try {
                    ae.close();
                } catch (Exception e) {
                    LOG.warn("closing the model {} failed: {}", k, e.toString());
                }
            }
        }
    }

    private static Autoencoder open(ModelSource source) {
        try {
            if (source.shipped() == null) {
                return Autoencoder.open(ModelBundle.open(Path.of(source.bundlePath())), source.runtimeOptions());
            }
            // ONNX Runtime reads the files when the sessions open; the copy is not needed afterwards
            Path dir = Files.createTempDirectory("eqvae4j-bundle-");
            try {
                return Autoencoder.open(source.shipped().value().writeTo(dir), source.runtimeOptions());
            } finally {
                AtomicFolders.deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open model bundle " + source.bundlePath() + " on this executor: " + e.getMessage(), e);
        }
    }
}
