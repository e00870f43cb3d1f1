package org.eqvae4j.export.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.OnnxWriter;

/**
 * Checks a gradient rule against central finite differences. The op under test is wrapped as
 * loss = sum(y * R) with a fixed random R, so every output element carries a distinct weight; the
 * analytic gradient comes from {@link Autodiff}, the numeric one from perturbing each input element
 * (all of them for small inputs) and re-running the forward graph in ONNX Runtime.
 */
final class GradCheck {
    private final SplittableRandom rnd;
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final List<String> wrt = new ArrayList<>();
    private final GraphBuilder b = new GraphBuilder("check");
    private double eps = 1e-2;
    private double tolerance = 1e-2;

    GradCheck(long seed) {
        rnd = new SplittableRandom(seed);
    }

    GraphBuilder builder() {
        return b;
    }

    /** A differentiated input with values uniform in [lo, hi] (keep them away from kinks). */
    Value input(String name, double lo, double hi, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.numElements(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble(lo, hi);
        }
        return input(name, v, shape);
    }

    /** An input away from zero: |x| in [0.2, 1], random sign (for Relu, Abs, ...). */
    Value inputAwayFromZero(String name, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.numElements(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble(0.2, 1.0) * (rnd.nextBoolean() ? 1 : -1));
        }
        return input(name, v, shape);
    }

    Value input(String name, float[] v, long... shape) {
        values.put(name, v);
        shapes.put(name, shape);
        wrt.add(name);
        return b.input(name, DType.FLOAT, Shape.of(shape));
    }

    /** A graph input whose dimensions are symbolic (for dynamic-shape code paths). */
    Value symbolicInput(String name, Shape declared, long... actual) {
        float[] v = new float[Math.toIntExact(Tensor.numElements(actual))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        values.put(name, v);
        shapes.put(name, actual);
        wrt.add(name);
        return b.input(name, DType.FLOAT, declared);
    }

    GradCheck eps(double e) {
        this.eps = e;
        return this;
    }

    GradCheck tolerance(double t) {
        this.tolerance = t;
        return this;
    }

    /** Runs the check for y; returns the worst relative error over the inputs. */
    double check(Value y) throws Exception {
        Graph forward = lossGraph(y);
        Graph withGrads = Autodiff.standard().gradients(forward, "loss", wrt);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        try (OrtSession fwd = env.createSession(OnnxWriter.toBytes(forward), new OrtSession.SessionOptions());
                OrtSession grad = env.createSession(OnnxWriter.toBytes(withGrads), new OrtSession.SessionOptions())) {
            Map<String, float[]> analytic = run(grad, values, out -> out.endsWith(Autodiff.GRAD_SUFFIX));
            for (String name : wrt) {
                float[] g = analytic.get(name + Autodiff.GRAD_SUFFIX);
                float[] x = values.get(name);
                double num2 = 0;
                double diff2 = 0;
                for (int i = 0; i < x.length; i++) {
                    float orig = x[i];
                    x[i] = (float) (orig + eps);
                    double lp = run(fwd, values, "loss"::equals).get("loss")[0];
                    x[i] = (float) (orig - eps);
                    double lm = run(fwd, values, "loss"::equals).get("loss")[0];
                    x[i] = orig;
                    double numeric = (lp - lm) / (2 * eps);
                    num2 += numeric * numeric;
                    diff2 += (numeric - g[i]) * (numeric - g[i]);
                }
                double rel = Math.sqrt(diff2) / Math.max(Math.sqrt(num2), 1e-6);
                worst = Math.max(worst, rel);
                assertTrue(rel <= tolerance, "gradient of '" + name + "': relative error " + rel + " > " + tolerance);
            }
        }
        return worst;
    }

    private Graph lossGraph(Value y) {
        if (y.shape() == null || !y.shape().isStatic()) {
            throw new IllegalArgumentException("the checked output needs a static shape: " + y);
        }
        float[] r = new float[Math.toIntExact(y.shape().numElements())];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rnd.nextDouble(-1, 1);
        }
        Value weights = b.constant(Tensor.ofFloats("R", y.shape().toArray(), r));
        b.output(b.reduceSum(b.mul(y, weights), false), "loss");
        return b.build();
    }

    private Map<String, float[]> run(OrtSession s, Map<String, float[]> in, Function<String, Boolean> keep)
            throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (var e : in.entrySet()) {
                feed.put(
                        e.getKey(),
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result r = s.run(feed)) {
                for (var e : r) {
                    if (keep.apply(e.getKey())) {
                        FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                        float[] f = new float[fb.remaining()];
                        fb.get(f);
                        out.put(e.getKey(), f);
                    }
                }
            }
            return out;
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }
}
