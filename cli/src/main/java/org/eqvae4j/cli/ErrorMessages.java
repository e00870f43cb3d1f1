package org.eqvae4j.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns any failure into one line a user can act on. Messages of this project's exceptions already name
 * the file or parameter; what is left are the JVM's own: out of memory, stack overflow, file-system
 * exceptions whose message is only a path, and programming errors whose message alone ("-2", "null")
 * says nothing.
 */
final class ErrorMessages {
    private ErrorMessages() {}

    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (this JVM may use " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MB): the input or a requested size is too large for it; use smaller inputs or raise the heap, e.g."
                    + " EQVAE_JAVA_OPTS=-Xmx8g ./eqvae ...";
        }
        if (e instanceof StackOverflowError) {
            return "an input nests too deeply to process (stack overflow): it is malformed or refers to itself";
        }
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile() + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (e instanceof NotDirectoryException f) {
            return "not a folder: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        String msg = e.getMessage();
        if (e instanceof NullPointerException
                || e instanceof IndexOutOfBoundsException
                || e instanceof NegativeArraySizeException
                || e instanceof ClassCastException
                || e instanceof ArithmeticException
                || msg == null
                || msg.isBlank()) {
            Throwable cause = e.getCause();
            if (cause != null
                    && cause != e
                    && cause.getMessage() != null
                    && msg != null
                    && msg.equals(cause.toString())) {
                return describe(cause);
            }
            return "internal error (" + e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg)
                    + "); set EQVAE_DEBUG=1 to see where, and please report it";
        }
        return msg;
    }
}
