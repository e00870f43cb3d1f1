package org.eqvae4j.runtime.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folder counterpart of {@link AtomicFiles}: a folder's files are written into a hidden staging folder
 * beside the target, which is renamed into place at the end. Readers see the complete folder or none, and
 * a failure (full disk, exception) removes the staging folder and leaves an existing target untouched.
 */
public final class AtomicFolders {

    /** Writes the content of a folder given its (staging) path. */
    @FunctionalInterface
    public interface FolderWriter {
        void write(Path folder) throws IOException;
    }

    private AtomicFolders() {}

    /**
     * Writes {@code target} through a staging folder. An existing target is swapped out only after the new
     * content is complete, then deleted: callers decide beforehand whether it may be replaced.
     */
    public static void write(Path target, FolderWriter content) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".staging-");
        try {
            content.write(staging);
            makeReadable(staging);
            if (Files.exists(abs)) {
                Path old = Files.createTempDirectory(parent, "." + abs.getFileName() + ".old-");
                Files.move(abs, old.resolve("previous"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, abs, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(staging, abs, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            deleteTree(staging);
        }
    }

    /** Temp files and folders are created private; written folders are meant to be shared (rw-r--r--, rwxr-xr-x). */
    private static void makeReadable(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /** Deletes a file or a folder tree, deepest entries first; nothing when it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
