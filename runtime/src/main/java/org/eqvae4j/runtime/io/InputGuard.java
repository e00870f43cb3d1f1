package org.eqvae4j.runtime.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Inputs are never written: an output that resolves (symbolic links, {@code ..}, hard links) to an input
 * file or folder is refused before anything is read or written, and a results folder may not resolve to a
 * place inside an input folder. Paths are compared as real paths; an output that does not exist yet is
 * resolved through its nearest existing ancestor.
 */
public final class InputGuard {
    private InputGuard() {}

    /**
     * Refuses {@code output} when it is {@code input} (or a link to it, or a hard link of it).
     *
     * @param outputRole e.g. "output" or "--output"; {@code inputRole} e.g. "the input" or "the --model"
     */
    public static void requireNotInput(Path output, String outputRole, Path input, String inputRole)
            throws IOException {
        if (output == null || input == null) {
            return;
        }
        if (Files.exists(output) && Files.exists(input) && Files.isSameFile(output, input)) {
            throw new IOException(outputRole + " " + output + " would overwrite " + inputRole + " " + input
                    + " (the same file" + (output.equals(input) ? "" : " after resolving links")
                    + "); inputs are never overwritten: choose another output");
        }
        if (realPath(output).equals(realPath(input))) {
            throw new IOException(outputRole + " " + output + " would overwrite " + inputRole + " " + input
                    + " (the same path after resolving links); inputs are never overwritten: choose another output");
        }
    }

    /** Refuses a results folder that is, or lies inside (after resolving links), the input folder. */
    public static void requireOutsideFolder(Path outputFolder, Path inputFolder) throws IOException {
        if (!Files.isDirectory(inputFolder)) {
            return;
        }
        Path out = realPath(outputFolder);
        Path in = inputFolder.toRealPath();
        if (out.startsWith(in)) {
            throw new IOException("output folder " + outputFolder
                    + (out.equals(outputFolder.toAbsolutePath().normalize()) ? "" : " (" + out + ")")
                    + " lies inside the input folder " + inputFolder
                    + "; choose another one so inputs are never mixed with results");
        }
    }

    /**
     * The real path of a file that may not exist yet: its nearest existing ancestor resolved (links
     * followed), the rest appended. A dangling symbolic link resolves to its target.
     */
    public static Path realPath(Path p) throws IOException {
        return realPath(p.toAbsolutePath().normalize(), 0);
    }

    private static Path realPath(Path abs, int links) throws IOException {
        if (Files.exists(abs)) {
            return abs.toRealPath();
        }
        if (Files.isSymbolicLink(abs) && links < 40) { // dangling: writing through it creates its target
            return realPath(abs.resolveSibling(Files.readSymbolicLink(abs)).normalize(), links + 1);
        }
        Path parent = abs.getParent();
        return parent == null
                ? abs
                : realPath(parent, links).resolve(abs.getFileName().toString());
    }
}
