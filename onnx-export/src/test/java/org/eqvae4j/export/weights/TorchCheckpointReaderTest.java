package org.eqvae4j.export.weights;

import static org.eqvae4j.export.weights.SafetensorsTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.eqvae4j.export.graph.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against fixtures written by src/test/resources/weights/make_tiny_pth.py in torch.save's layout. */
class TorchCheckpointReaderTest {
    @TempDir
    Path dir;

    private static final List<String> NAMES = List.of(
            "conv.weight", "linear.weight", "transposed", "shared.head", "shared.tail", "bn.num_batches_tracked");

    @Test
    void readsTensorsViewsAndSharedStorages() throws Exception {
        assertFixtureContents(TorchCheckpointReader.read(fixture("tiny.pth")));
    }

    @Test
    void unwrapsLightningStyleStateDictByContentNotExtension() throws Exception {
        assertFixtureContents(StateDict.read(fixture("tiny_wrapped.ckpt")));
    }

    @Test
    void readsProtocol4Pickles() throws Exception {
        assertFixtureContents(StateDict.read(fixture("tiny_protocol4.pth")));
    }

    @Test
    void bigEndianArchivesAreSwapped() throws Exception {
        Path file = rewrite("big.pth", (name, data) -> {
            if (name.endsWith("byteorder")) {
                return "big".getBytes(StandardCharsets.US_ASCII);
            }
            int elem = name.endsWith("data/0") ? 2 : name.endsWith("data/4") ? 8 : 4;
            return name.contains("/data/") ? reversedElements(data, elem) : data;
        });
        assertFixtureContents(StateDict.read(file));
    }

    private static void assertFixtureContents(StateDict sd) {
        assertEquals(NAMES, sd.names());
        assertEquals(Map.of(), sd.metadata());
        assertEquals(DType.FLOAT16, sd.get("conv.weight").dtype());
        assertArrayEquals(new long[] {2, 3}, sd.get("conv.weight").dims());
        assertArrayEquals(
                new float[] {0.5f, -1.25f, 2f, 3.5f, -0.125f, 1024f},
                sd.get("conv.weight").toFloats());
        assertEquals(DType.FLOAT, sd.get("linear.weight").dtype());
        assertArrayEquals(
                new float[] {1.5f, -2.5f, 3.25f, 4e-3f}, sd.get("linear.weight").toFloats());
        // transpose of [[0,1,2],[3,4,5]] (stride (1, 3)) copied into row-major order
        assertArrayEquals(new long[] {3, 2}, sd.get("transposed").dims());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, sd.get("transposed").toFloats());
        assertArrayEquals(
                new float[] {0f, 0.5f, 1f, 1.5f}, sd.get("shared.head").toFloats());
        assertArrayEquals(new long[] {2, 3}, sd.get("shared.tail").dims());
        assertArrayEquals(
                new float[] {2f, 2.5f, 3f, 3.5f, 4f, 4.5f},
                sd.get("shared.tail").toFloats());
        assertEquals(DType.INT64, sd.get("bn.num_batches_tracked").dtype());
        assertEquals(0, sd.get("bn.num_batches_tracked").rank());
        assertArrayEquals(new long[] {7}, sd.get("bn.num_batches_tracked").toLongs());
        assertEquals(6 + 4 + 6 + 4 + 6 + 1, sd.parameterCount());
    }

    @Test
    void unknownGlobalIsRefusedByName() throws Exception {
        Path file = rewrite(
                "evil.pth",
                (name, data) ->
                        name.endsWith("data.pkl") ? replace(data, "collections\nOrderedDict\n", "os\nsystem\n") : data);
        assertFails(file, "refusing pickle global os.system");
    }

    @Test
    void unsupportedStorageTypeNamesTheTensor() throws Exception {
        Path file = rewrite(
                "short.pth",
                (name, data) -> name.endsWith("data.pkl")
                        ? replace(data, "torch\nHalfStorage\n", "torch\nShortStorage\n")
                        : data);
        assertFails(file, "tensor 'conv.weight'", "unsupported dtype torch.ShortStorage");
    }

    @Test
    void missingStorageRecord() throws Exception {
        assertFails(
                rewrite("nostorage.pth", (name, data) -> name.equals("tiny/data/2") ? null : data),
                "missing storage record tiny/data/2",
                "tensor 'transposed'");
    }

    @Test
    void truncatedStorageRecord() throws Exception {
        assertFails(
                rewrite("short-record.pth", (name, data) -> name.equals("tiny/data/1") ? Arrays.copyOf(data, 5) : data),
                "truncated storage record tiny/data/1");
    }

    @Test
    void missingDataPkl() throws Exception {
        assertFails(rewrite("nopickle.pth", (name, data) -> name.endsWith("data.pkl") ? null : data), "data.pkl");
    }

    @Test
    void corruptPickle() throws Exception {
        assertFails(
                rewrite("badpickle.pth", (name, data) -> name.endsWith("data.pkl") ? Arrays.copyOf(data, 200) : data),
                "corrupt tiny/data.pkl");
    }

    @Test
    void truncatedOrFakeZip() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture("tiny.pth"));
        assertFails(
                Files.write(dir.resolve("half.pth"), Arrays.copyOf(bytes, bytes.length / 2)),
                "not a valid zip archive");
        assertFails(Files.writeString(dir.resolve("fake.pth"), "PK but not really a zip"), "not a valid zip archive");
    }

    @Test
    void legacyPickleFormatIsExplained() throws Exception {
        assertFails(
                Files.write(dir.resolve("legacy.pth"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10}),
                "legacy torch.save");
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(
                TorchCheckpointReaderTest.class.getResource("/weights/" + name).toURI());
    }

    /** A copy of tiny.pth with each record's bytes mapped (null drops the record). */
    private Path rewrite(String name, BiFunction<String, byte[], byte[]> edit) throws Exception {
        Path out = dir.resolve(name);
        try (InputStream raw = Files.newInputStream(fixture("tiny.pth"));
                ZipInputStream in = new ZipInputStream(raw);
                OutputStream file = Files.newOutputStream(out);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] data = edit.apply(e.getName(), in.readAllBytes());
                if (data != null) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    zip.write(data);
                }
            }
        }
        return out;
    }

    private static byte[] replace(byte[] data, String from, String to) {
        String latin1 = new String(data, StandardCharsets.ISO_8859_1);
        if (!latin1.contains(from)) {
            throw new IllegalArgumentException(from + " not in pickle");
        }
        return latin1.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] reversedElements(byte[] data, int elem) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < data.length; i += elem) {
            for (int j = elem - 1; j >= 0; j--) {
                out.write(data[i + j]);
            }
        }
        return out.toByteArray();
    }
}
