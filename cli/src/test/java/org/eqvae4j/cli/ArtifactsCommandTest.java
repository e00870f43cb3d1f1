package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code artifacts} on a torch.onnx export of the fixture zoo, and {@code --check}. */
class ArtifactsCommandTest {
    private static final Path VIT = EqvaeCliTest.ROOT.resolve("training/src/test/resources/torch/zoo/vit_block.onnx");

    @Test
    void writesTheFourFilesForATorchExport(@TempDir Path dir) {
        Path out = dir.resolve("art");
        EqvaeCliTest.Run r =
                EqvaeCliTest.run("artifacts", "--model", VIT.toString(), "--loss", "mse", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "checkpoint"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(r.out().contains("LayerNormalization"), r.out());
    }

    @Test
    void checkPassesACoveredModelAndNamesUncoveredOpsWithoutWriting(@TempDir Path dir) throws Exception {
        EqvaeCliTest.Run ok = EqvaeCliTest.run("artifacts", "--check", "--model", VIT.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("every op on the gradient path has a gradient rule"), ok.out());

        GraphBuilder b = new GraphBuilder("uncovered");
        Value x = b.input("x", DType.FLOAT, Shape.of(2, 3));
        Value w = b.parameter("w", Tensor.ofFloats("w", new long[] {3}, 1f, 2f, 3f));
        Value y;
        try (var s = b.scope("block1")) {
            y = b.op("Cos", b.mul(x, w));
        }
        // an integer branch (Shape) on the path's inputs needs no rule
        b.output(b.reshape(b.op("Reshape", y, b.op("Shape", x)), 2, 3), "y");
        Path model = dir.resolve("uncovered.onnx");
        OnnxWriter.write(b.build(), model);
        Path out = dir.resolve("never");
        EqvaeCliTest.Run bad = EqvaeCliTest.run(
                "artifacts", "--check", "--model", model.toString(), "--loss", "mse", "--output", out.toString());
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("no gradient rule for Cos 'block1/Cos'"), bad.out());
        assertFalse(bad.out().contains("Shape"), "the integer Shape branch is not reported: " + bad.out());
        assertFalse(Files.exists(out), "--check writes nothing");
    }

    @Test
    void writingNeedsALossAndAnOutput() {
        EqvaeCliTest.Run r = EqvaeCliTest.run("artifacts", "--model", VIT.toString(), "--output", "x");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--loss"), r.err());
    }
}
