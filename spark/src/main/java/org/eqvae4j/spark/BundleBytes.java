package org.eqvae4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;

/**
 * A model bundle's files as bytes, to ship once to every executor in a Spark broadcast (so executors need no
 * shared storage for the model). {@link #digest()} identifies the content: executors keep one model per digest.
 */
public final class BundleBytes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final Map<String, byte[]> files;
    private final String digest;

    private BundleBytes(String source, Map<String, byte[]> files) {
        this.source = source;
        this.files = files;
        this.digest = digestOf(files);
    }

    /** Reads the bundle folder's files (model.json, the ONNX files it names, licence); the bundle is validated first. */
    public static BundleBytes read(Path folder) throws IOException {
        ModelBundle.open(folder); // refuses a broken bundle on the driver, before any task starts
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return new BundleBytes(folder.toString(), files);
    }

    /** Writes the files into {@code dir} and opens them as a bundle. */
    public ModelBundle writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        try {
            return ModelBundle.open(dir);
        } catch (BundleException e) {
            throw new IOException("bundle " + source + " shipped to this executor does not open: " + e.getMessage(), e);
        }
    }

    /** SHA-256 over the file names and contents. */
    public String digest() {
        return digest;
    }

    /** The folder it was read from, for messages. */
    public String source() {
        return source;
    }

    public long size() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    private static String digestOf(Map<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
