package org.eqvae4j.export.graph;

/** Element types with their ONNX {@code TensorProto.DataType} codes and byte sizes. */
public enum DType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    INT32(6, 4),
    INT64(7, 8),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    BFLOAT16(16, 2);

    private final int onnxCode;
    private final int byteSize;

    DType(int onnxCode, int byteSize) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
    }

    public int onnxCode() {
        return onnxCode;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == FLOAT16 || this == DOUBLE || this == BFLOAT16;
    }

    public static DType fromOnnx(int code) {
        for (DType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported ONNX tensor data type " + code
                + " (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT64, INT32, INT8, UINT8, BOOL)");
    }
}
