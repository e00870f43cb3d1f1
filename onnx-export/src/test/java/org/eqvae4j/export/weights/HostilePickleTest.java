package org.eqvae4j.export.weights;

import static org.eqvae4j.export.weights.SafetensorsTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles made to exhaust memory or the stack are refused with a message naming the file: a container
 * holding itself, a length declared far beyond the pickle, a data.pkl that inflates to gigabytes; and a
 * fixed-seed fuzz of the real fixture's pickle ends in a clean WeightFileException every time.
 */
class HostilePickleTest {
    @TempDir
    Path dir;

    /** A torch.save-style zip holding these records under "archive/". */
    Path checkpoint(String name, Map<String, byte[]> records) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : records.entrySet()) {
                zip.putNextEntry(new ZipEntry("archive/" + e.getKey()));
                zip.write(e.getValue());
            }
        }
        return file;
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void aListHoldingItselfAsADictKeyIsRefused() throws Exception {
        // PROTO 2, EMPTY_DICT, EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, BININT1 1, SETITEM, STOP: {[[...]]: 1}
        byte[] pickle = bytes(0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'K', 1, 's', '.');
        Path f = checkpoint("self.pth", Map.of("data.pkl", pickle));
        assertFails(f, "refers to itself");
    }

    @Test
    void aStringDeclaredLongerThanThePickleIsRefusedBeforeAllocating() throws Exception {
        for (int op : new int[] {'X', 'B', 'T'}) {
            byte[] pickle = bytes(0x80, 2, op, 0xff, 0xff, 0xff, 0x7f, 'a', 'b', '.');
            Path f = checkpoint("long" + op + ".pth", Map.of("data.pkl", pickle));
            assertFails(f, "declares 2147483647 bytes but only");
        }
        byte[] eight = bytes(0x80, 4, 0x8d, 0, 0, 0, 0, 1, 0, 0, 0, '.');
        assertFails(checkpoint("long8.pth", Map.of("data.pkl", eight)), "declares 4294967296 bytes");
    }

    @Test
    void aDataPklThatInflatesBeyondTheLimitIsRefused() throws Exception {
        String old = System.getProperty(TorchCheckpointReader.MAX_PICKLE_PROPERTY);
        try {
            System.setProperty(TorchCheckpointReader.MAX_PICKLE_PROPERTY, Integer.toString(1 << 20));
            Path f = checkpoint("bomb.pth", Map.of("data.pkl", new byte[3 << 20]));
            assertTrue(Files.size(f) < 20_000, "bomb of " + Files.size(f) + " bytes");
            assertFails(
                    f, "data.pkl", "3145728 bytes, more than the 1048576", TorchCheckpointReader.MAX_PICKLE_PROPERTY);
        } finally {
            if (old == null) {
                System.clearProperty(TorchCheckpointReader.MAX_PICKLE_PROPERTY);
            } else {
                System.setProperty(TorchCheckpointReader.MAX_PICKLE_PROPERTY, old);
            }
        }
    }

    /**
     * Mutations of a real checkpoint's pickle (fixed seed): parsing fails as a WeightFileException naming
     * the file or gives an object tree, and a sample of them read as whole checkpoints fails the same way.
     */
    @Test
    void fuzzedPicklesFailCleanly() throws Exception {
        Path fixture = TorchCheckpointReaderTest.fixture("tiny.pth");
        Map<String, byte[]> records = new java.util.LinkedHashMap<>();
        try (var zip = new java.util.zip.ZipFile(fixture.toFile())) {
            for (var en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                records.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        String pkl = records.keySet().stream()
                .filter(n -> n.endsWith("data.pkl"))
                .findFirst()
                .orElseThrow();
        byte[] original = records.get(pkl);
        Random random = new Random(18);
        Path file = dir.resolve("fuzz.pth");
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] p = mutate(original, random);
            try {
                TorchCheckpointReader.parsePickle(p, pkl, file);
                if (i % 10 == 0) { // the whole reader on every tenth: zip, object tree, storages
                    records.put(pkl, p);
                    try (OutputStream out = Files.newOutputStream(file);
                            ZipOutputStream zip = new ZipOutputStream(out)) {
                        for (var r : records.entrySet()) {
                            zip.putNextEntry(new ZipEntry(r.getKey()));
                            zip.write(r.getValue());
                        }
                    }
                    TorchCheckpointReader.read(file);
                }
            } catch (WeightFileException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(file.toString()), "case " + i + ": " + e.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " escaped as " + t, t);
            }
        }
        assertTrue(
                refused > 1000,
                "only " + refused + " of 3000 mutations were refused: the fuzz did not reach the parser");
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] p = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(p.length);
            p[at] = switch (random.nextInt(3)) {
                case 0 -> (byte) random.nextInt(256);
                case 1 -> (byte) 0xff;
                default -> (byte) (p[at] ^ (1 << random.nextInt(8)));
            };
        }
        return random.nextInt(8) == 0 ? java.util.Arrays.copyOf(p, random.nextInt(p.length)) : p;
    }
}
