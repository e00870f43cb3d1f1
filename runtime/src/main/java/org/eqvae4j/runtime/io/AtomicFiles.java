package org.eqvae4j.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way this project writes a file: into a hidden temp file in the target's folder, then a
 * rename over the target. Readers never see a half-written file, and a failure (full disk, exception)
 * leaves the previous file as it was.
 */
public final class AtomicFiles {

    /** Writes the content of a file through a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Writes the content of a file given its (temporary) path, for APIs that want a path. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path file) throws IOException;
    }

    private AtomicFiles() {}

    public static void write(Path target, StreamWriter content) throws IOException {
        writePath(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.write(out);
            }
        });
    }

    public static void writePath(Path target, PathWriter content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            content.write(tmp);
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // temp files are created private; results are meant to be shared like any other file
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
