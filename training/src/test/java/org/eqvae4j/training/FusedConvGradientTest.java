package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The training-artifact gradients of Conv (com.microsoft ConvGrad, or a forward Conv for the input gradient of
 * stride-1 convolutions) and Relu (com.microsoft ReluGrad) equal the portable standard-op rules, which the
 * onnx-export tests prove against finite differences.
 */
class FusedConvGradientTest {

    @ParameterizedTest
    @CsvSource({
        "1,1,1,1,1,8,3",
        "2,1,1,1,1,8,3",
        "2,0,0,1,1,7,3",
        "1,1,1,1,2,6,3",
        "2,1,1,1,1,9,3",
        "1,0,0,0,1,8,3",
        "1,0,1,2,1,7,3",
        "1,2,2,2,1,8,5",
        "1,0,0,0,1,6,1"
    })
    void fusedEqualsPortable(int stride, int padTop, int padLeft, int padEnd, int group, int size, int kernel)
            throws Exception {
        SplittableRandom r = new SplittableRandom(stride * 31L + group * 7L + size);
        GraphBuilder b = new GraphBuilder("conv");
        Value x = b.input("x", DType.FLOAT, Shape.of(2, 4, size, size));
        Value w = b.parameter("w", random("w", r, 6, 4 / group, kernel, kernel));
        Value bias = b.parameter("bias", random("bias", r, 6));
        Value y = b.conv(x, w, bias, new long[] {stride, stride}, new long[] {padTop, padLeft, padEnd, padEnd}, group);
        Value weights = b.constant(random("R", r, y.shape().toArray()));
        b.output(b.reduceSum(b.mul(b.tanh(b.relu(y)), weights), false), "loss");
        Graph g = b.build();
        List<String> wrt = List.of("x", "w", "bias");
        Tensor in = random("x", r, 2, 4, size, size);
        Map<String, Tensor> portable = OrtInference.run(Autodiff.standard().gradients(g, "loss", wrt), in);
        Map<String, Tensor> fused =
                OrtInference.run(Autodiff.forOnnxRuntimeTraining().gradients(g, "loss", wrt), in);
        for (String p : wrt) {
            float[] a = portable.get(p + "_grad").toFloats();
            float[] f = fused.get(p + "_grad").toFloats();
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < a.length; i++) {
                diff += (a[i] - f[i]) * (double) (a[i] - f[i]);
                norm += a[i] * (double) a[i];
            }
            assertTrue(Math.sqrt(diff / norm) < 1e-5, p + ": relative difference " + Math.sqrt(diff / norm));
        }
    }

    private static Tensor random(String name, SplittableRandom r, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.numElements(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.ofFloats(name, shape, v);
    }
}
