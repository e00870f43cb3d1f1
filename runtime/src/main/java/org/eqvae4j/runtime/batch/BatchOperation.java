package org.eqvae4j.runtime.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One kind of work on one input file, run by {@link FolderBatch} over a folder tree. Implementations are
 * called from several threads at once and must be thread-safe.
 *
 * @param <R> what processing one file yields (the summary's columns)
 */
public interface BatchOperation<R> {

    /** Which files of the walk are inputs (before the user's glob). */
    BatchInput inputs();

    /**
     * The files processing {@code input} writes. {@code base} is where the input's results go: its
     * place in the mirrored tree and its name without the extension (with it where two inputs of a
     * folder differ only in extension), e.g. {@code out/sub/cell}.
     */
    List<Path> outputs(Path input, Path base) throws IOException;

    /** Processes one file, writing {@link #outputs}; throws with a message on failure. */
    R process(Path input, Path base) throws Exception;

    /** Summary column names for {@link #values}. */
    List<String> columns();

    /** Summary values of a result; {@code result} is null for skipped and failed files. */
    List<String> values(R result);
}
