package org.eqvae4j.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleWriterTest {
    @TempDir
    Path parent;

    private static BundleWriter good(byte encoderByte) {
        return new BundleWriter()
                .add("encoder.onnx", f -> Files.write(f, new byte[] {encoderByte, 2, 3}))
                .add("decoder.onnx", f -> Files.write(f, new byte[] {4, 5, 6}))
                .add("LICENSE", f -> Files.writeString(f, "MIT\n"));
    }

    private static final IOException DISK_FULL = new IOException("No space left on device (simulated)");

    private static BundleWriter failingOnSecondFile() {
        return new BundleWriter()
                .add("encoder.onnx", f -> Files.write(f, new byte[] {9, 9, 9}))
                .add("decoder.onnx", f -> {
                    Files.write(f, new byte[] {1}); // a partial file first
                    throw DISK_FULL;
                });
    }

    private List<String> parentListing() throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void assertSameContents(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), k);
        }
    }

    @Test
    void writesACompleteBundle() throws Exception {
        Path target = parent.resolve("bundle");
        ModelBundle b = good((byte) 1).write(BundleFixtures.manifest(), target, false);
        assertEquals(BundleFixtures.manifest(), b.manifest());
        assertEquals(List.of("bundle"), parentListing());
        Map<String, byte[]> c = contents(target);
        assertEquals(
                List.of("LICENSE", "decoder.onnx", "encoder.onnx", "model.json", "serving.properties"),
                List.copyOf(c.keySet()));
        assertArrayEquals(new byte[] {1, 2, 3}, c.get("encoder.onnx"));
        assertEquals(BundleFixtures.manifest(), ModelBundle.open(target).manifest());
    }

    @Test
    void failureLeavesNoTargetAndNoStagingFolder() {
        Path target = parent.resolve("bundle");
        IOException e = assertThrows(
                IOException.class, () -> failingOnSecondFile().write(BundleFixtures.manifest(), target, false));
        assertSame(DISK_FULL, e);
        assertFalse(Files.exists(target));
        assertDoesNotThrowIo(() -> assertEquals(List.of(), parentListing()));
    }

    @Test
    void failedReplaceLeavesTheExistingBundleIntact() throws Exception {
        Path target = parent.resolve("bundle");
        good((byte) 1).write(BundleFixtures.manifest(), target, false);
        Map<String, byte[]> before = contents(target);
        assertThrows(IOException.class, () -> failingOnSecondFile().write(BundleFixtures.manifest(), target, true));
        assertSameContents(before, contents(target));
        assertEquals(List.of("bundle"), parentListing());
    }

    @Test
    void successfulReplaceSwapsTheBundle() throws Exception {
        Path target = parent.resolve("bundle");
        good((byte) 1).write(BundleFixtures.manifest(), target, false);
        Files.writeString(target.resolve("stale.txt"), "from the old bundle");
        ModelManifest m2 = BundleFixtures.manifest().withMetrics(Map.of("psnr", 40.0));
        ModelBundle b = good((byte) 7).write(m2, target, true);
        assertEquals(m2, b.manifest());
        Map<String, byte[]> c = contents(target);
        assertArrayEquals(new byte[] {7, 2, 3}, c.get("encoder.onnx"));
        assertFalse(c.containsKey("stale.txt"), "the old bundle is replaced as a whole");
        assertEquals(List.of("bundle"), parentListing(), "no staging or old folders left");
    }

    @Test
    void existingTargetWithoutReplaceIsRefused() throws Exception {
        Path target = parent.resolve("bundle");
        good((byte) 1).write(BundleFixtures.manifest(), target, false);
        Map<String, byte[]> before = contents(target);
        FileAlreadyExistsException e = assertThrows(
                FileAlreadyExistsException.class, () -> good((byte) 5).write(BundleFixtures.manifest(), target, false));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertSameContents(before, contents(target));
        assertEquals(List.of("bundle"), parentListing());
    }

    @Test
    void replaceRefusesAFolderThatIsNotABundle() throws Exception {
        Path target = Files.createDirectory(parent.resolve("documents"));
        Files.writeString(target.resolve("thesis.txt"), "precious");
        FileAlreadyExistsException e = assertThrows(
                FileAlreadyExistsException.class, () -> good((byte) 5).write(BundleFixtures.manifest(), target, true));
        assertTrue(e.getMessage().contains("not a model bundle"), e.getMessage());
        assertEquals("precious", Files.readString(target.resolve("thesis.txt")));
        assertEquals(List.of("documents"), parentListing());

        Path file = Files.writeString(parent.resolve("plain-file"), "x");
        assertThrows(
                FileAlreadyExistsException.class, () -> good((byte) 5).write(BundleFixtures.manifest(), file, true));
        assertEquals("x", Files.readString(file));

        Path empty = Files.createDirectory(parent.resolve("empty"));
        good((byte) 5).write(BundleFixtures.manifest(), empty, true); // an empty folder may be filled
        assertTrue(Files.isRegularFile(empty.resolve("model.json")));
    }

    @Test
    void manifestNamingAFileWithoutContentIsRefusedBeforeWriting() {
        Path target = parent.resolve("bundle");
        BundleWriter w = new BundleWriter().add("encoder.onnx", f -> Files.write(f, new byte[] {1}));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> w.write(BundleFixtures.manifest(), target, false));
        assertTrue(e.getMessage().contains("decoder.onnx"), e.getMessage());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), parentListing()));
    }

    @Test
    void writtenBundleThatDoesNotValidateIsNotPublished() {
        Path target = parent.resolve("bundle");
        BundleWriter w = new BundleWriter()
                .add("encoder.onnx", f -> Files.write(f, new byte[0]))
                .add("decoder.onnx", f -> Files.write(f, new byte[] {1}));
        BundleException e =
                assertThrows(BundleException.class, () -> w.write(BundleFixtures.manifest(), target, false));
        assertTrue(e.getMessage().contains("encoder.onnx"), e.getMessage());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), parentListing()));
    }

    @Test
    void invalidManifestIsRefusedBeforeWriting() {
        ModelManifest bad = new ModelManifest(
                1,
                "x",
                null,
                null,
                null,
                3,
                4,
                8,
                1,
                0,
                new double[] {0, 1},
                64,
                0,
                Map.of("encoder", "encoder.onnx", "decoder", "decoder.onnx"),
                null,
                null,
                null,
                null,
                null);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> good((byte) 1).write(bad, parent.resolve("bundle"), false));
        assertTrue(e.getMessage().contains("kind"), e.getMessage());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), parentListing()));
    }

    @Test
    void writtenFilesAreWorldReadable() throws Exception {
        assumeTrue(parent.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path target = parent.resolve("nested/bundle");
        new BundleWriter()
                .add("encoder.onnx", f -> {
                    Files.write(f, new byte[] {1});
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                })
                .add("decoder.onnx", f -> Files.write(f, new byte[] {2}))
                .write(BundleFixtures.manifest(), target, false);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        for (String name : List.of("encoder.onnx", "decoder.onnx", "model.json")) {
            assertEquals(
                    "rw-r--r--",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve(name))),
                    name);
        }
    }

    @Test
    void addCopyCopiesAFile() throws Exception {
        Path src = Files.write(parent.resolve("weights.bin"), new byte[] {8, 8});
        Path target = parent.resolve("bundle");
        new BundleWriter()
                .addCopy("encoder.onnx", src)
                .addCopy("decoder.onnx", src)
                .write(BundleFixtures.manifest(), target, false);
        assertArrayEquals(new byte[] {8, 8}, Files.readAllBytes(target.resolve("encoder.onnx")));
        assertArrayEquals(new byte[] {8, 8}, Files.readAllBytes(src));
    }

    private interface IoRunnable {
        void run() throws IOException;
    }

    private static void assertDoesNotThrowIo(IoRunnable r) {
        try {
            r.run();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
