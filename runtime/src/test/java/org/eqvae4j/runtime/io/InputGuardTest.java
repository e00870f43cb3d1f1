package org.eqvae4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every spelling of "the input" as an output is refused; a different file is not. */
class InputGuardTest {
    @TempDir
    Path tmp;

    @Test
    void linksHardLinksAndDotDotResolveToTheInput() throws Exception {
        Path in = Files.writeString(tmp.resolve("in.png"), "x");
        Files.createDirectories(tmp.resolve("sub"));
        Path symlink = Files.createSymbolicLink(tmp.resolve("link.png"), in);
        Path hardLink = Files.createLink(tmp.resolve("hard.png"), in);
        Path linkedDir = Files.createSymbolicLink(tmp.resolve("dir-link"), tmp);
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling.png"), tmp.resolve("sub/../in.png"));
        for (Path out :
                new Path[] {in, symlink, hardLink, tmp.resolve("sub/../in.png"), linkedDir.resolve("in.png"), dangling
                }) {
            IOException e = assertThrows(
                    IOException.class,
                    () -> InputGuard.requireNotInput(out, "output", in, "the input"),
                    out.toString());
            assertTrue(e.getMessage().contains("would overwrite the input " + in), e.getMessage());
        }
        assertDoesNotThrow(() -> InputGuard.requireNotInput(tmp.resolve("other.png"), "output", in, "the input"));
        assertDoesNotThrow(() -> InputGuard.requireNotInput(tmp.resolve("sub/new/in.png"), "output", in, "the input"));
    }

    @Test
    void aResultsFolderInsideTheInputTreeIsRefusedAlsoThroughALink() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("input/a"));
        Path outside = Files.createSymbolicLink(tmp.resolve("results-link"), input);
        for (Path out : new Path[] {input, input.resolve("results"), outside.resolve("new/deeper")}) {
            IOException e = assertThrows(
                    IOException.class,
                    () -> InputGuard.requireOutsideFolder(out, tmp.resolve("input")),
                    out.toString());
            assertTrue(e.getMessage().contains("inside the input folder"), e.getMessage());
        }
        assertDoesNotThrow(() -> InputGuard.requireOutsideFolder(tmp.resolve("results"), tmp.resolve("input")));
        assertDoesNotThrow(() -> InputGuard.requireOutsideFolder(tmp.resolve("input-2"), tmp.resolve("input")));
    }
}
