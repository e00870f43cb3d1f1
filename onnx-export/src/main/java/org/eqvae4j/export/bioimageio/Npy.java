package org.eqvae4j.export.bioimageio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * NumPy's {@code .npy} format (version 1.0) for float32 tensors in C order, as bioimage.io test tensors
 * are stored: the magic {@code \x93NUMPY}, version 1.0, a little-endian uint16 header length, then a
 * Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 96, 96), }} padded
 * with spaces and a newline so that the data starts at a multiple of 64 bytes, then the values (byte for
 * byte what numpy 2 writes).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** The bytes numpy's {@code np.save} writes for {@code x.astype('<f4')} of this shape. */
    public static byte[] toBytes(FloatTensor t) {
        StringBuilder shape = new StringBuilder();
        for (long d : t.shape()) {
            shape.append(d).append(", ");
        }
        String dims = t.shape().length == 1 ? shape.toString().trim() : shape.substring(0, shape.length() - 2);
        // numpy leaves room for the first axis to grow to 21 digits, so a file can be appended to in place
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }"
                + " "
                        .repeat(GROWTH_AXIS_MAX_DIGITS
                                - String.valueOf(t.shape()[0]).length());
        int preamble = MAGIC.length + 2 + 2;
        int total = preamble + dict.length() + 1;
        int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        String header = dict + " ".repeat(padded - total) + "\n";
        float[] data = t.data();
        ByteBuffer b = ByteBuffer.allocate(padded + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.asFloatBuffer().put(data);
        return b.array();
    }

    public static void write(FloatTensor t, Path file) throws IOException {
        Files.write(file, toBytes(t));
    }

    /** Reads a little-endian float32 C-order array of rank 4 (what {@link #write} writes); other kinds are refused. */
    public static FloatTensor read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public static FloatTensor fromBytes(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.length < 10 || bytes[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not a .npy file (no \\x93NUMPY magic)");
            }
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int start;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLength = b.getInt(8);
            start = 12;
        } else {
            throw new IllegalArgumentException(".npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (start + headerLength > bytes.length) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr");
        if (!descr.equals("<f4")) {
            throw new IllegalArgumentException("dtype " + descr + " is not supported (little-endian float32, '<f4')");
        }
        if (group(FORTRAN, header, "fortran_order").equals("True")) {
            throw new IllegalArgumentException("Fortran-order arrays are not supported (C order only)");
        }
        List<Long> dims = new ArrayList<>();
        for (String s : group(SHAPE, header, "shape").split(",")) {
            if (!s.isBlank()) {
                dims.add(Long.parseLong(s.trim()));
            }
        }
        if (dims.size() != 4) {
            throw new IllegalArgumentException(
                    "shape " + dims + " has rank " + dims.size() + "; a [N, C, H, W] tensor has rank 4");
        }
        long count = dims.stream().reduce(1L, (x, y) -> x * y);
        int dataStart = start + headerLength;
        if (bytes.length - dataStart != 4 * count) {
            throw new IllegalArgumentException("shape " + dims + " needs " + 4 * count + " bytes of data, the file has "
                    + (bytes.length - dataStart));
        }
        float[] data = new float[(int) count];
        b.position(dataStart);
        b.asFloatBuffer().get(data);
        return FloatTensor.of(dims.stream().mapToLong(Long::longValue).toArray(), data);
    }

    private static String group(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(".npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }
}
