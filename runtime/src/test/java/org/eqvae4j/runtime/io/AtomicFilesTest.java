package org.eqvae4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesCreatingFoldersAndReplacing() throws Exception {
        Path f = tmp.resolve("a/b/out.txt");
        AtomicFiles.write(f, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
        assertEquals("one", Files.readString(f));
        AtomicFiles.writePath(f, p -> Files.writeString(p, "two"));
        assertEquals("two", Files.readString(f));
        assertEquals(List.of("out.txt"), listing(f.getParent()));
    }

    @Test
    void failureKeepsThePreviousFileAndLeavesNoTempFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("keep.txt"), "previous");
        IOException boom = new IOException("disk full (simulated)");
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(f, out -> {
                    out.write("half of the new content".getBytes(StandardCharsets.UTF_8));
                    throw boom;
                }));
        assertSame(boom, e);
        assertEquals("previous", Files.readString(f));
        assertEquals(List.of("keep.txt"), listing(tmp));
        assertThrows(
                IOException.class,
                () -> AtomicFiles.write(tmp.resolve("new.txt"), out -> {
                    throw new IOException("x");
                }));
        assertEquals(List.of("keep.txt"), listing(tmp));
    }

    @Test
    void resultIsWorldReadable() throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path f = tmp.resolve("shared.txt");
        AtomicFiles.write(f, out -> out.write(1));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
