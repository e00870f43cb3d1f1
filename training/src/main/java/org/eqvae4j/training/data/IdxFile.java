package org.eqvae4j.training.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed: big-endian magic
 * 0x00000803 with dims [N, rows, cols] for images, 0x00000801 with [N] for labels, then uint8 data.
 */
public final class IdxFile {
    private IdxFile() {}

    /** The IDX file {@code base} (e.g. train-images-idx3-ubyte) in {@code folder}, gzipped ({@code .gz}) or not. */
    public static Path find(Path folder, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("no " + base + "(.gz) in " + folder);
    }

    public static List<Image8> readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(file + " is not an IDX image file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x803)");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (n < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 24) {
                throw new IOException(file + ": implausible IDX dimensions " + n + "x" + rows + "x" + cols);
            }
            List<Image8> images = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] px = new byte[rows * cols];
                readFully(in, px, file, i, n);
                images.add(new Image8(1, rows, cols, px));
            }
            return images;
        }
    }

    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IOException(file + " is not an IDX label file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x801)");
            }
            int n = in.readInt();
            byte[] b = new byte[n];
            readFully(in, b, file, 0, n);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = b[i] & 0xff;
            }
            return labels;
        }
    }

    private static void readFully(DataInputStream in, byte[] b, Path file, int index, int n) throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: it ends inside item " + index + " of " + n, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream s = new java.io.BufferedInputStream(raw, 1 << 16);
            s.mark(2);
            int b1 = s.read();
            int b2 = s.read();
            s.reset();
            return new DataInputStream(b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(s, 1 << 16) : s);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }
}
