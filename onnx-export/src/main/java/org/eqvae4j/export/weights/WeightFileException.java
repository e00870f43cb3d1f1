package org.eqvae4j.export.weights;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A weight file that cannot be read; the message always starts with the file and says what is wrong. */
public final class WeightFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public WeightFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public WeightFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** {@code e} itself if it already is one, else an I/O failure reported against {@code file}. */
    static WeightFileException wrap(Path file, IOException e) {
        if (e instanceof WeightFileException w) {
            return w;
        }
        String problem = e instanceof NoSuchFileException ? "file not found" : "cannot read: " + e;
        return new WeightFileException(file, problem, e);
    }

    public Path file() {
        return file;
    }
}
