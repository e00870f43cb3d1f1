package org.eqvae4j.training.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.training.bench.ProfileTable.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTableTest {
    /** A node run as ONNX Runtime's profiler writes it. */
    private static String kernel(String node, String op, String provider, long dur) {
        return "{\"cat\":\"Node\",\"pid\":1,\"tid\":1,\"dur\":" + dur + ",\"ts\":10,\"ph\":\"X\",\"name\":\"" + node
                + "_kernel_time\",\"args\":{\"op_name\":\"" + op + "\",\"provider\":\"" + provider + "\"}}";
    }

    private static Path write(Path dir, String name, String... events) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, "[\n" + String.join(",\n", events) + "\n]\n");
        return f;
    }

    /** Two runs of a training model and one of an optimizer model, with session and fence events mixed in. */
    private static void fixture(Path dir) throws IOException {
        String session = "{\"cat\":\"Session\",\"dur\":9000,\"name\":\"model_run\",\"args\":{}}";
        String fence =
                "{\"cat\":\"Node\",\"dur\":7,\"name\":\"encoder/Conv_fence_before\",\"args\":{\"op_name\":\"Conv\"}}";
        write(
                dir,
                "ort_2026-12-02_00-00-00.json",
                session,
                fence,
                kernel("encoder/Conv", "Conv", "CPUExecutionProvider", 300),
                kernel("encoder/Conv_2", "Conv", "CPUExecutionProvider", 100),
                kernel("grad/encoder/Conv/ConvGrad", "ConvGrad", "CPUExecutionProvider", 500),
                kernel("w_grad_accumulated/InPlaceAccumulatorV2", "InPlaceAccumulatorV2", "CPUExecutionProvider", 20),
                kernel("encoder/Conv", "Conv", "CPUExecutionProvider", 260),
                kernel("encoder/Conv_2", "Conv", "CPUExecutionProvider", 140),
                kernel("grad/encoder/Conv/ConvGrad", "ConvGrad", "CPUExecutionProvider", 520),
                kernel("w_grad_accumulated/InPlaceAccumulatorV2", "InPlaceAccumulatorV2", "CPUExecutionProvider", 40),
                kernel("loss/Sub", "Sub", "CPUExecutionProvider", 20));
        write(
                dir,
                "ort_2026-12-02_00-00-01.json",
                session,
                kernel("AdamWOptimizer", "AdamWOptimizer", "CPUExecutionProvider", 100));
        Files.writeString(dir.resolve("notes.txt"), "not a profile");
    }

    @Test
    void sumsNodeRunsAndSplitsPhasesByName(@TempDir Path dir) throws IOException {
        fixture(dir);
        ProfileTable t = ProfileTable.readFolder(dir);

        assertEquals(2000, t.totalMicros());
        assertEquals(Map.of(Phase.FORWARD, 820L, Phase.BACKWARD, 1080L, Phase.OPTIMIZER, 100L), t.phaseMicros());

        List<ProfileTable.NodeTime> nodes = t.nodes();
        assertEquals(
                new ProfileTable.NodeTime(
                        "grad/encoder/Conv/ConvGrad", "ConvGrad", "CPUExecutionProvider", Phase.BACKWARD, 1020, 2),
                nodes.get(0));
        assertEquals(
                new ProfileTable.NodeTime("encoder/Conv", "Conv", "CPUExecutionProvider", Phase.FORWARD, 560, 2),
                nodes.get(1));
        assertEquals(6, nodes.size());

        List<ProfileTable.OpTypeTime> ops = t.opTypes();
        assertEquals(new ProfileTable.OpTypeTime(Phase.BACKWARD, "ConvGrad", 1, 1020), ops.get(0));
        assertEquals(new ProfileTable.OpTypeTime(Phase.FORWARD, "Conv", 2, 800), ops.get(1));
        assertEquals(new ProfileTable.OpTypeTime(Phase.OPTIMIZER, "AdamWOptimizer", 1, 100), ops.get(2));
    }

    @Test
    void markdownHasSharesOpTypesAndTopNodes(@TempDir Path dir) throws IOException {
        fixture(dir);
        String md = ProfileTable.readFolder(dir).markdown(2);

        assertTrue(md.contains("| forward | 0.8 | 41.0% |"), md);
        assertTrue(md.contains("| backward | 1.1 | 54.0% |"), md);
        assertTrue(md.contains("| optimizer | 0.1 | 5.0% |"), md);
        assertTrue(md.contains("| forward | Conv | 2 | 0.8 | 40.0% |"), md);
        assertTrue(
                md.contains(
                        "| grad/encoder/Conv/ConvGrad | ConvGrad | CPUExecutionProvider | backward | 2 | 0.51 | 51.0% |"),
                md);
        assertTrue(md.contains("| encoder/Conv | Conv | CPUExecutionProvider | forward | 2 | 0.28 | 28.0% |"), md);
        // only the two most expensive nodes are listed by name
        assertTrue(!md.contains("| encoder/Conv_2 |"), md);
    }

    @Test
    void inferenceSessionsWithTheSameNodeNamesStayApartAndHaveNoTrainingRows(@TempDir Path dir) throws IOException {
        write(
                dir,
                "ort-encoder_2026-12-02_01-49-04_479.json",
                kernel("Relu_2_nchwc", "Conv", "CPUExecutionProvider", 300));
        write(
                dir,
                "ort-decoder_2026-12-02_01-49-04_535.json",
                kernel("Relu_2_nchwc", "Conv", "CPUExecutionProvider", 100),
                kernel("Relu_2_nchwc", "Conv", "CPUExecutionProvider", 120));
        ProfileTable t = ProfileTable.readFolder(dir);

        assertEquals(
                List.of(
                        new ProfileTable.NodeTime(
                                "encoder/Relu_2_nchwc", "Conv", "CPUExecutionProvider", Phase.FORWARD, 300, 1),
                        new ProfileTable.NodeTime(
                                "decoder/Relu_2_nchwc", "Conv", "CPUExecutionProvider", Phase.FORWARD, 220, 2)),
                t.nodes());
        String md = t.markdown(5);
        assertTrue(md.contains("| forward | 0.5 | 100.0% |"), md);
        assertTrue(!md.contains("| backward |") && !md.contains("No optimizer node"), md);
    }

    @Test
    void phaseFollowsOurNaming() {
        assertEquals(Phase.BACKWARD, ProfileTable.phaseOf("grad/decoder/3/conv/Conv/Transpose", "Transpose"));
        assertEquals(Phase.FORWARD, ProfileTable.phaseOf("decoder/3/conv/Conv", "Conv"));
        assertEquals(Phase.FORWARD, ProfileTable.phaseOf("loss_grad_seed_cast", "Cast"));
        assertEquals(Phase.OPTIMIZER, ProfileTable.phaseOf("SGDOptimizerV2", "SGDOptimizerV2"));
    }

    @Test
    void badInputNamesTheFile(@TempDir Path dir) throws IOException {
        Path notJson = write(dir, "broken.json", "{\"cat\":");
        IOException e = assertThrows(IOException.class, () -> ProfileTable.read(List.of(notJson)));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());

        Path noOp = dir.resolve("noop.json");
        Files.writeString(noOp, "[{\"cat\":\"Node\",\"dur\":5,\"name\":\"x_kernel_time\",\"args\":{}}]");
        e = assertThrows(IOException.class, () -> ProfileTable.read(List.of(noOp)));
        assertTrue(e.getMessage().contains("noop.json") && e.getMessage().contains("x_kernel_time"), e.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(IOException.class, () -> ProfileTable.readFolder(empty));
        assertTrue(e.getMessage().contains("no ONNX Runtime profile"), e.getMessage());
    }
}
