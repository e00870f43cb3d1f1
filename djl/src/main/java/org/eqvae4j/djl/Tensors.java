package org.eqvae4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.eqvae4j.runtime.tensor.FloatTensor;

/** FloatTensor <-> NDArray, and picking a model output by name. */
final class Tensors {
    private Tensors() {}

    static NDArray toNd(NDManager manager, FloatTensor t) {
        return manager.create(t.data(), new Shape(t.shape()));
    }

    static FloatTensor fromNd(NDArray a) {
        return FloatTensor.of(a.getShape().getShape(), a.toFloatArray());
    }

    /** The output called {@code name}, or the first when the engine did not name them. */
    static NDArray output(NDList list, String name) {
        NDArray named = list.get(name);
        return named != null ? named : list.get(0);
    }
}
