package org.eqvae4j.runtime.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model bundle folder: {@code model.json} plus the ONNX files it names. Opening validates the
 * manifest and that every named file exists and is non-empty; it does not load the models.
 */
public final class ModelBundle {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path root;
    private final ModelManifest manifest;

    private ModelBundle(Path root, ModelManifest manifest) {
        this.root = root;
        this.manifest = manifest;
    }

    public static ModelBundle open(Path folder) throws BundleException {
        if (!Files.isDirectory(folder)) {
            throw new BundleException("model bundle " + folder + " is not a folder (expected a folder with "
                    + ModelManifest.FILE_NAME + " and ONNX files)");
        }
        Path json = folder.resolve(ModelManifest.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new BundleException("model bundle " + folder + " has no " + ModelManifest.FILE_NAME);
        }
        ModelManifest m;
        try {
            m = parseManifest(Files.readString(json), json);
        } catch (BundleException e) {
            throw e;
        } catch (IOException e) {
            throw new BundleException(json + " cannot be read: " + e.getMessage(), e);
        }
        for (var e : m.files().entrySet()) {
            if (!isNonEmptyFile(folder.resolve(e.getValue()))) {
                throw new BundleException("model bundle " + folder + ": " + e.getKey() + " file " + e.getValue()
                        + " named in model.json is missing or empty");
            }
        }
        return new ModelBundle(folder, m);
    }

    /**
     * Parses and validates a manifest's text; every failure is a one-line BundleException naming
     * {@code where}, whatever the text holds (null, wrong types, a field of unforeseen shape).
     */
    static ModelManifest parseManifest(String text, Path where) throws BundleException {
        try {
            ModelManifest read = JSON.readValue(text, ModelManifest.class);
            if (read == null) {
                throw new BundleException(where + " holds null, not a manifest object ({\"formatVersion\": 1, ...})");
            }
            return read.validate();
        } catch (BundleException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // validate() speaks of "model.json: ..."; here the full path says which one
            throw new BundleException(
                    where + ": " + String.valueOf(e.getMessage()).replaceFirst("^model\\.json: ", ""), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                            && !m.getPath().isEmpty()
                    ? " in field "
                            + m.getPath().stream()
                                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                                    .collect(java.util.stream.Collectors.joining("."))
                    : "";
            throw new BundleException(
                    where + " is not a valid manifest: "
                            + e.getOriginalMessage().replace('\n', ' ') + field
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
                    e);
        } catch (RuntimeException e) {
            // a field of the wrong shape that validation did not foresee: still this file's fault, named
            throw new BundleException(where + " is not a valid manifest: " + e, e);
        }
    }

    private static boolean isNonEmptyFile(Path f) throws BundleException {
        try {
            return Files.isRegularFile(f) && Files.size(f) > 0;
        } catch (IOException ex) {
            throw new BundleException("model bundle: cannot read " + f + ": " + ex.getMessage(), ex);
        }
    }

    /** True when model.json names a file for this role (e.g. the optional "generator"). */
    public boolean has(String role) {
        return manifest.files().containsKey(role);
    }

    public Path root() {
        return root;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** Path of a file by role ("encoder", "decoder", ...). */
    public Path file(String role) {
        String name = manifest.files().get(role);
        if (name == null) {
            throw new IllegalArgumentException("model bundle " + root + " has no " + role + " (files: "
                    + manifest.files().keySet() + ")");
        }
        return root.resolve(name);
    }

    /** Records measured metrics in model.json (atomically) and returns the re-opened bundle. */
    public ModelBundle withMetrics(java.util.Map<String, Object> metrics) throws IOException {
        String json = toJson(manifest.withMetrics(metrics)) + "\n";
        org.eqvae4j.runtime.io.AtomicFiles.write(
                root.resolve(ModelManifest.FILE_NAME),
                out -> out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return open(root);
    }

    /** Rewrites model.json (atomically) with {@code m}, which must name this bundle's files, and re-opens the bundle. */
    public ModelBundle withManifest(ModelManifest m) throws IOException {
        if (!m.files().equals(manifest.files())) {
            throw new IllegalArgumentException("model bundle " + root + ": a new model.json must name the same files "
                    + manifest.files() + ", got " + m.files());
        }
        String json = toJson(m) + "\n";
        org.eqvae4j.runtime.io.AtomicFiles.write(
                root.resolve(ModelManifest.FILE_NAME),
                out -> out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return open(root);
    }

    public static String toJson(ModelManifest m) throws IOException {
        return JSON.writeValueAsString(m);
    }
}
