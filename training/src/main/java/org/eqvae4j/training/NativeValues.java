package org.eqvae4j.training;

import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.onnxruntime.OrtTensorTypeAndShapeInfo;
import org.bytedeco.onnxruntime.OrtValue;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;

/**
 * An array of native ONNX Runtime values ({@code OrtValue*[]}), released together on close: tensors
 * copied in from Java to feed a step, or the slots ONNX Runtime fills with a step's outputs.
 */
final class NativeValues implements AutoCloseable {
    private final OrtTraining.Natives natives;
    private final PointerPointer<OrtValue> array;
    private final int size;

    private NativeValues(OrtTraining.Natives natives, int size) {
        this.natives = natives;
        this.size = size;
        this.array = new PointerPointer<>(Math.max(size, 1));
        for (int i = 0; i < size; i++) {
            // ONNX Runtime allocates an output only where it finds a null slot
            array.put(i, (Pointer) null);
        }
    }

    /** Empty slots for ONNX Runtime to fill with outputs. */
    static NativeValues slots(OrtTraining.Natives natives, int count) {
        return new NativeValues(natives, count);
    }

    /** Native copies of the tensors, in the given order. */
    static NativeValues copyOf(OrtTraining.Natives natives, List<Tensor> tensors) {
        NativeValues values = new NativeValues(natives, tensors.size());
        try {
            for (int i = 0; i < tensors.size(); i++) {
                values.array.put(i, values.copy(tensors.get(i)));
            }
            return values;
        } catch (RuntimeException e) {
            values.close();
            throw e;
        }
    }

    private OrtValue copy(Tensor t) {
        OrtValue value = new OrtValue();
        natives.check(
                natives.api()
                        .CreateTensorAsOrtValue(
                                natives.allocator(),
                                t.dims(),
                                t.rank(),
                                t.dtype().onnxCode(),
                                value),
                "creating input tensor '" + t.name() + "'");
        Pointer data = new Pointer();
        try {
            natives.check(natives.api().GetTensorMutableData(value, data), "writing input tensor '" + t.name() + "'");
        } catch (RuntimeException e) {
            natives.api().ReleaseValue(value);
            throw e;
        }
        new BytePointer(data).capacity(t.rawData().length).put(t.rawData());
        return value;
    }

    PointerPointer<OrtValue> array() {
        return array;
    }

    int size() {
        return size;
    }

    /** A Java copy of the tensor in slot i. */
    Tensor tensor(int i, String name) {
        return toTensor(natives, array.get(OrtValue.class, i), name);
    }

    static Tensor toTensor(OrtTraining.Natives natives, OrtValue value, String name) {
        OrtTensorTypeAndShapeInfo info = new OrtTensorTypeAndShapeInfo();
        natives.check(natives.api().GetTensorTypeAndShape(value, info), "reading the shape of '" + name + "'");
        int[] elementType = new int[1];
        long[] dims;
        try {
            natives.check(natives.api().GetTensorElementType(info, elementType), "reading the type of '" + name + "'");
            SizeTPointer rank = new SizeTPointer(1);
            natives.check(natives.api().GetDimensionsCount(info, rank), "reading the rank of '" + name + "'");
            dims = new long[(int) rank.get()];
            natives.check(natives.api().GetDimensions(info, dims, dims.length), "reading the shape of '" + name + "'");
        } finally {
            natives.api().ReleaseTensorTypeAndShapeInfo(info);
        }
        DType dtype = DType.fromOnnx(elementType[0]);
        byte[] raw = new byte[Math.toIntExact(Tensor.numElements(dims) * dtype.byteSize())];
        Pointer data = new Pointer();
        natives.check(natives.api().GetTensorMutableData(value, data), "reading '" + name + "'");
        new BytePointer(data).capacity(raw.length).get(raw);
        return new Tensor(name, dtype, dims, raw);
    }

    @Override
    public void close() {
        for (int i = 0; i < size; i++) {
            OrtValue value = array.get(OrtValue.class, i);
            if (value != null && !value.isNull()) {
                natives.api().ReleaseValue(value);
                array.put(i, (Pointer) null);
            }
        }
        array.close();
    }
}
