package org.eqvae4j.export.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable named tensor: element type, dimensions and little-endian raw data, as ONNX stores
 * initializers. Half-precision and double data converts to float on {@link #toFloats()}, which is how
 * published F16 checkpoints become F32 graph weights.
 */
public final class Tensor {
    private final String name;
    private final DType dtype;
    private final long[] dims;
    private final byte[] raw;

    public Tensor(String name, DType dtype, long[] dims, byte[] raw) {
        this.name = name;
        this.dtype = dtype;
        this.dims = dims.clone();
        long expected = numElements(dims) * dtype.byteSize();
        if (raw.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + raw.length + " bytes of data for shape "
                    + Arrays.toString(dims) + " " + dtype + " (expected " + expected + ")");
        }
        this.raw = raw;
    }

    public static Tensor ofFloats(String name, long[] dims, float... data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return new Tensor(name, DType.FLOAT, dims, b.array());
    }

    public static Tensor ofLongs(String name, long[] dims, long... data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return new Tensor(name, DType.INT64, dims, b.array());
    }

    /** A 1-D int64 tensor, the form ONNX wants for shapes, axes, pads and sizes given as inputs. */
    public static Tensor vector(String name, long... data) {
        return ofLongs(name, new long[] {data.length}, data);
    }

    public static Tensor scalar(String name, float value) {
        return ofFloats(name, new long[0], value);
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long numElements() {
        return numElements(dims);
    }

    /** The little-endian bytes as stored; callers must not modify the array. */
    public byte[] rawData() {
        return raw;
    }

    public Tensor renamed(String newName) {
        return new Tensor(newName, dtype, dims, raw);
    }

    public Tensor reshaped(long... newDims) {
        if (numElements(newDims) != numElements()) {
            throw new IllegalArgumentException(
                    "cannot reshape '" + name + "' " + Arrays.toString(dims) + " to " + Arrays.toString(newDims));
        }
        return new Tensor(name, dtype, newDims, raw);
    }

    /** Values as float, converting FLOAT16 / BFLOAT16 / DOUBLE / integer types. */
    public float[] toFloats() {
        int n = Math.toIntExact(numElements());
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT -> b.asFloatBuffer().get(out);
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(2 * i));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = integerAt(b, i);
                }
            }
        }
        return out;
    }

    public long[] toLongs() {
        int n = Math.toIntExact(numElements());
        long[] out = new long[n];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = integerAt(b, i);
        }
        return out;
    }

    private long integerAt(ByteBuffer b, int i) {
        return switch (dtype) {
            case INT64 -> b.getLong(8 * i);
            case INT32 -> b.getInt(4 * i);
            case INT8 -> raw[i];
            case UINT8, BOOL -> raw[i] & 0xff;
            default -> throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not an integer type");
        };
    }

    /** This tensor converted to FLOAT (a no-op when it already is). */
    public Tensor toFloat32() {
        return dtype == DType.FLOAT ? this : ofFloats(name, dims, toFloats());
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal (or zero): mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static long numElements(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(dims);
    }
}
