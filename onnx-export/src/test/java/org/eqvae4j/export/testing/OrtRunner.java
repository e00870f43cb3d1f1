package org.eqvae4j.export.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxWriter;

/** Runs a built graph in ONNX Runtime (CPU) for tests: float tensors in, float tensors out by name. */
public final class OrtRunner {
    private OrtRunner() {}

    public static Map<String, Tensor> run(Graph graph, Tensor... inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(OnnxWriter.toBytes(graph), opts)) {
            return run(session, inputs);
        }
    }

    /** Runs an open session (for tests that evaluate one graph many times). */
    public static Map<String, Tensor> run(OrtSession session, Tensor... inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                for (Tensor t : inputs) {
                    feed.put(
                            t.name(),
                            switch (t.dtype()) {
                                case BOOL ->
                                    OnnxTensor.createTensor(
                                            env,
                                            java.nio.ByteBuffer.allocateDirect(t.rawData().length)
                                                    .put(t.rawData())
                                                    .flip(),
                                            t.dims(),
                                            ai.onnxruntime.OnnxJavaType.BOOL);
                                case INT64 ->
                                    OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(t.toLongs()), t.dims());
                                default -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloats()), t.dims());
                            });
                }
                Map<String, Tensor> out = new LinkedHashMap<>();
                try (OrtSession.Result r = session.run(feed)) {
                    for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                        OnnxTensor ot = (OnnxTensor) e.getValue();
                        if (ot.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
                            java.nio.LongBuffer lb = ot.getLongBuffer();
                            long[] longs = new long[lb.remaining()];
                            lb.get(longs);
                            out.put(
                                    e.getKey(),
                                    Tensor.ofLongs(e.getKey(), ot.getInfo().getShape(), longs));
                            continue;
                        }
                        FloatBuffer fb = ot.getFloatBuffer();
                        float[] data = new float[fb.remaining()];
                        fb.get(data);
                        out.put(
                                e.getKey(),
                                Tensor.ofFloats(e.getKey(), ot.getInfo().getShape(), data));
                    }
                }
                return out;
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
