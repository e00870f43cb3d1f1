package org.eqvae4j.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** bench-infer's cases, peer and table, without timing anything: results and peer output are made up. */
class InferenceBenchReportTest {
    private static final InferenceBenchmark.Case WHOLE = new InferenceBenchmark.Case(256, false);
    private static final InferenceBenchmark.Case TILED = new InferenceBenchmark.Case(2048, true);

    private static InferenceBenchReport.Settings settings(String note) {
        return new InferenceBenchReport.Settings(
                List.of(WHOLE, TILED), 2, 3, 1, 1, Path.of("models/taef2"), "models/taef2", note, null);
    }

    @Test
    void casesParseWithTheirTiledMarkAndBadOnesAreNamed() {
        assertEquals(
                List.of(WHOLE, new InferenceBenchmark.Case(512, false), TILED),
                InferenceBenchReport.parseCases(List.of("256", " 512 ", "2048T")));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> InferenceBenchReport.parseCases(List.of("256", "big")));
        assertTrue(e.getMessage().contains("'big'"), e.getMessage());
    }

    @Test
    void tableHasOneRowPerPeerTheRatioAndAWarningWhenTheImagesDiffer() throws Exception {
        InferenceBenchmark.Result whole =
                new InferenceBenchmark.Result(WHOLE, 3, 400, 390, 420, 150, 250, 400_000_000L, 1, 0.5);
        InferenceBenchmark.Result tiled =
                new InferenceBenchmark.Result(TILED, 1, 32_000, 32_000, 32_000, 12_000, 20_000, -1, 64, 0.25);
        ObjectMapper json = new ObjectMapper();
        JsonNode pt = json.readTree(
                "{\"case\":\"256\",\"tiles\":1,\"ms_per_image\":500,\"min_ms\":480,\"max_ms\":520,\"encode_ms\":200,"
                        + "\"decode_ms\":300,\"peak_rss_bytes\":300000000,\"output_mean\":0.5,\"peer\":\"PyTorch 1.13\"}");
        JsonNode ptTiled = json.readTree(
                "{\"case\":\"2048t\",\"tiles\":64,\"ms_per_image\":48000,\"min_ms\":48000,\"max_ms\":48000,"
                        + "\"encode_ms\":18000,\"decode_ms\":30000,\"peak_rss_bytes\":600000000,\"output_mean\":0.3,\"peer\":\"PyTorch 1.13\"}");
        String table = InferenceBenchReport.table(
                settings("idle machine"),
                List.of(whole, tiled),
                Map.of("256", pt, "2048t", ptTiled),
                Map.of("256", new InferenceBenchmark.Result(WHOLE, 3, 320, 310, 330, 120, 200, 350_000_000L, 1, 0.5)),
                Instant.parse("2026-01-01T10:00:00Z"),
                "0.1 0.2 0.3",
                "1.0 1.0 1.0");
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).startsWith("case") && lines.get(0).endsWith("ORT/PT"), lines.get(0));
        assertEquals(
                List.of(
                        "256", "px", "1", "ORT", "400.0", "390.0", "420.0", "150.0", "250.0", "2.500", "400", "MB",
                        "0.80"),
                List.of(lines.get(1).trim().split("\\s+")));
        assertEquals(
                List.of("1", "PyTorch", "500.0", "480.0", "520.0", "200.0", "300.0", "2.000", "300", "MB"),
                List.of(lines.get(2).trim().split("\\s+")));
        // the torch.onnx export's row: its times, and our ms over its ms
        assertEquals(
                List.of("1", "torch.onnx", "320.0", "310.0", "330.0", "120.0", "200.0", "3.125", "350", "MB", "1.25"),
                List.of(lines.get(3).trim().split("\\s+")));
        assertTrue(
                lines.get(4).startsWith("2048 tiled px")
                        && lines.get(4).contains(" n/a ")
                        && lines.get(4).endsWith("0.67"),
                lines.get(4));
        assertTrue(table.contains("torch.onnx: the PyTorch modules exported by torch.onnx.export"), table);
        assertTrue(table.contains("WARNING: the peers' decoded images differ (mean 0.25000 vs 0.30000)"), table);
        assertEquals(1, table.split("WARNING").length - 1, "only the tiled case differs");
        assertTrue(
                table.contains("PyTorch: PyTorch 1.13 eager, inference mode") && table.contains("bundle models/taef2"),
                table);
        assertTrue(
                table.contains("Run 2026-01-01T10:00Z")
                        && table.contains("0.1 0.2 0.3 at the start, 1.0 1.0 1.0 at the end"),
                table);
        assertTrue(table.endsWith("idle machine\n"), table);

        String alone = InferenceBenchReport.table(
                settings(null), List.of(whole), Map.of(), Map.of(), Instant.now(), "n/a", "n/a");
        assertTrue(alone.contains("no PyTorch peer") && !alone.contains("PyTorch  "), alone);
        assertEquals(7, alone.lines().count(), alone); // header, row, blank, 4 lines of notes
    }

    /** The torch.onnx peer's bundle: our manifest (value range, factor, channels) over only the whole models. */
    @Test
    void torchOnnxBundleKeepsTheManifestAndNamesOnlyTheWholeModels(@TempDir Path dir) throws Exception {
        Path ours = org.eqvae4j.runtime.model.Taef2.bundleDir();
        for (String f : List.of("encoder.onnx", "decoder.onnx")) {
            Files.copy(ours.resolve(f), dir.resolve(f));
        }
        InferenceBenchReport.writeWholeModelManifest(ours, dir);
        ModelBundle b = ModelBundle.open(dir);
        assertEquals(
                Map.of(ModelManifest.ENCODER, "encoder.onnx", ModelManifest.DECODER, "decoder.onnx"),
                b.manifest().files());
        ModelManifest m = ModelBundle.open(ours).manifest();
        assertEquals(m.downsamplingFactor(), b.manifest().downsamplingFactor());
        assertEquals(m.latentChannels(), b.manifest().latentChannels());
        assertEquals(m.id() + "-torch-onnx", b.manifest().id());
    }

    /** The peer's command line and output, with a shell script standing in for python3 + torch. */
    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void peerGetsTheSettingsAndItsLinesAreKeyedByCase(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("peer.sh");
        Files.writeString(
                script,
                "echo \"$@\" > '" + dir.resolve("args.txt") + "'\n"
                        + "echo '{\"case\":\"256\",\"ms_per_image\":500}'\necho '{\"case\":\"2048t\",\"ms_per_image\":48000}'\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, JsonNode> peer = InferenceBenchReport.torchPeer(
                settings(null),
                new org.eqvae4j.runtime.bench.TorchPeer(
                        "/bin/sh", script, Path.of("enc.safetensors"), Path.of("dec.safetensors")),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(List.of("256", "2048t"), List.copyOf(peer.keySet()));
        assertEquals(48000, peer.get("2048t").get("ms_per_image").asDouble());
        assertEquals(
                "--encoder enc.safetensors --decoder dec.safetensors --cases 256,2048t --reps 3 --warmup 1 --large 1024 --large-reps 1"
                        + " --threads 2",
                Files.readString(dir.resolve("args.txt")).trim());

        Files.writeString(script, "exit 1\n");
        Map<String, JsonNode> none = InferenceBenchReport.torchPeer(
                settings(null),
                new org.eqvae4j.runtime.bench.TorchPeer("/bin/sh", script, Path.of("e"), Path.of("d")),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(none.isEmpty());
        assertTrue(
                log.toString(StandardCharsets.UTF_8)
                        .contains("PyTorch peer failed (exit 1); install Debian's python3-torch"),
                log.toString());
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("not available"));
    }
}
