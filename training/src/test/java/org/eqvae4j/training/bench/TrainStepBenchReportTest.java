package org.eqvae4j.training.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** bench-train's table and PyTorch peer, with made-up timings and a shell script for the peer. */
class TrainStepBenchReportTest {
    private static final TrainStepBenchReport.Settings SETTINGS =
            new TrainStepBenchReport.Settings(List.of(64, 128), 4, 10, 3, 2, false);

    @Test
    void rowsShowBothPeersAndTheRatioOrNa() {
        TrainStepBenchmark.Result r = new TrainStepBenchmark.Result("fused", 64, 4, 250.0, 16.0);
        assertEquals(
                List.of("fused", "64", "4", "250.0", "16.00", "200.0", "1.25"),
                List.of(TrainStepBenchReport.format(new TrainStepBenchReport.Row(r, 200.0))
                        .trim()
                        .split("\\s+")));
        assertEquals(
                List.of("fused", "64", "4", "250.0", "16.00", "n/a", "n/a"),
                List.of(TrainStepBenchReport.format(new TrainStepBenchReport.Row(r, null))
                        .trim()
                        .split("\\s+")));
        assertTrue(TrainStepBenchReport.header().startsWith("gradients"));
        assertEquals(
                "median of 10 steps after 3 warm-up steps; 2 threads; ORT/PT > 1 means ONNX Runtime is slower\n",
                TrainStepBenchReport.footer(SETTINGS).replace(System.lineSeparator(), "\n"));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void peerGetsTheSettingsAndAFailingPeerLeavesNoTimings(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("peer.sh");
        Files.writeString(
                script,
                "echo \"$@\" > '" + dir.resolve("args.txt") + "'\n"
                        + "echo '{\"size\": 64, \"ms_per_step\": 200.5}'\necho '{\"size\": 128, \"ms_per_step\": 800}'\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
        org.eqvae4j.runtime.bench.TorchPeer peer =
                new org.eqvae4j.runtime.bench.TorchPeer("/bin/sh", script, Path.of("e"), Path.of("d"));
        assertEquals(Map.of(64, 200.5, 128, 800.0), TrainStepBenchReport.torchPeer(SETTINGS, peer, logStream));
        assertEquals(
                "--encoder e --decoder d --sizes 64,128 --batch 4 --steps 10 --warmup 3 --threads 2",
                Files.readString(dir.resolve("args.txt")).trim());
        assertEquals("", log.toString(StandardCharsets.UTF_8));

        Files.writeString(script, "echo '{\"size\": 64, \"ms_per_step\": 1}'; exit 2\n");
        assertEquals(Map.of(), TrainStepBenchReport.torchPeer(SETTINGS, peer, logStream));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("PyTorch peer failed (exit 2)"), log.toString());
    }
}
