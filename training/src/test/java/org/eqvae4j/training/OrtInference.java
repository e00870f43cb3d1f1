package org.eqvae4j.training;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxWriter;

/**
 * Plain inference for tests, through the ai.onnxruntime API that bytedeco's jar provides in this module
 * (the same API runtime uses on the official jar): float tensors in, float tensors out by name.
 */
final class OrtInference {
    private OrtInference() {}

    static Map<String, Tensor> run(Graph graph, Tensor... inputs) throws OrtException {
        return run(OnnxWriter.toBytes(graph), inputs);
    }

    static Map<String, Tensor> run(byte[] model, Tensor... inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model, options)) {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                for (Tensor t : inputs) {
                    feed.put(t.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloats()), t.dims()));
                }
                Map<String, Tensor> out = new LinkedHashMap<>();
                try (OrtSession.Result result = session.run(feed)) {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        OnnxTensor tensor = (OnnxTensor) e.getValue();
                        FloatBuffer data = tensor.getFloatBuffer();
                        float[] values = new float[data.remaining()];
                        data.get(values);
                        out.put(
                                e.getKey(),
                                Tensor.ofFloats(e.getKey(), tensor.getInfo().getShape(), values));
                    }
                }
                return out;
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }
    }
}
