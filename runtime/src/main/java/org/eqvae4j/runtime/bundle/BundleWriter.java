package org.eqvae4j.runtime.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.eqvae4j.runtime.io.AtomicFolders;

/**
 * Writes a bundle so that it appears complete or not at all: files go into a hidden staging folder
 * beside the target, which is renamed into place at the end. A failure (full disk, exception) removes
 * the staging folder and leaves any existing bundle untouched.
 */
public final class BundleWriter {

    /** Something that writes one file of the bundle. */
    @FunctionalInterface
    public interface FileContent {
        void writeTo(Path file) throws IOException;
    }

    private final Map<String, FileContent> files = new LinkedHashMap<>();

    /** Adds a file by name (e.g. "encoder.onnx", "LICENSE"). */
    public BundleWriter add(String fileName, FileContent content) {
        files.put(fileName, content);
        return this;
    }

    public BundleWriter addCopy(String fileName, Path source) {
        return add(fileName, target -> Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING));
    }

    /**
     * Writes manifest and files into {@code target}. With {@code replace} false an existing target is an
     * error; with true it is swapped out only after the new bundle is complete.
     */
    public ModelBundle write(ModelManifest manifest, Path target, boolean replace) throws IOException {
        manifest.validate();
        for (String role : manifest.files().values()) {
            if (!files.containsKey(role)) {
                throw new IllegalArgumentException("model.json names " + role + " but no content was added for it");
            }
        }
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !replace) {
            throw new FileAlreadyExistsException(
                    abs.toString(), null, "bundle folder already exists (use --force to replace it)");
        }
        if (Files.exists(abs) && !replaceable(abs)) {
            // replacing deletes the old folder: only ever do that to a bundle (or an empty folder)
            throw new FileAlreadyExistsException(
                    abs.toString(),
                    null,
                    "exists and is not a model bundle (no " + ModelManifest.FILE_NAME + "); refusing to replace it");
        }
        AtomicFolders.write(abs, staging -> {
            for (Map.Entry<String, FileContent> e : files.entrySet()) {
                e.getValue().writeTo(staging.resolve(e.getKey()));
            }
            Files.writeString(
                    staging.resolve(ModelManifest.FILE_NAME),
                    ModelBundle.toJson(manifest) + "\n",
                    StandardCharsets.UTF_8);
            if (!files.containsKey(DjlServingProperties.FILE_NAME)) {
                Files.writeString(
                        staging.resolve(DjlServingProperties.FILE_NAME),
                        DjlServingProperties.of(manifest),
                        StandardCharsets.UTF_8);
            }
            ModelBundle.open(staging); // validate what was written before it becomes visible
        });
        return ModelBundle.open(abs);
    }

    private static boolean replaceable(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        if (Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME))) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
