package org.eqvae4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.testsupport.RepositoryRoot;

/** Shared helpers for the runtime tests. */
public final class TestSupport {
    private TestSupport() {}

    /** The repository root: the first folder, walking up from the working directory, that holds the {@code eqvae} launcher. */
    public static Path repoRoot() {
        return RepositoryRoot.get();
    }

    /** Every file below {@code dir} by relative path, with its bytes. */
    public static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** The same files with the same bytes. */
    public static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "files");
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), k);
        }
    }

    public static FloatTensor random(long seed, int n, int c, int h, int w) {
        Random r = new Random(seed);
        float[] d = new float[n * c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        return new FloatTensor(n, c, h, w, d);
    }

    /** A tensor from rows of one [1,1,H,W] plane. */
    public static FloatTensor plane(float[][] rows) {
        int h = rows.length;
        int w = rows[0].length;
        float[] d = new float[h * w];
        for (int y = 0; y < h; y++) {
            System.arraycopy(rows[y], 0, d, y * w, w);
        }
        return new FloatTensor(1, 1, h, w, d);
    }

    public static void assertShape(long[] expected, FloatTensor t) {
        assertArrayEquals(expected, t.shape(), () -> "shape of " + t);
    }

    public static void assertClose(FloatTensor expected, FloatTensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = expected.data();
        float[] a = actual.data();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol)) {
                fail("element " + i + ": expected " + e[i] + " but got " + a[i] + " (tolerance " + tol + ") in "
                        + actual);
            }
        }
    }
}
