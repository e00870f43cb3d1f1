package org.eqvae4j.runtime.bench;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.io.AtomicFolders;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;

/**
 * The inference benchmark of {@code eqvae bench-infer}: every case through ONNX Runtime, then the same cases in the
 * PyTorch peer (bench/torch_taef2_infer.py) when one is given and runs, and the table comparing them.
 */
public final class InferenceBenchReport {
    /** Cases of this many pixels and more run without warm-up ({@link Settings#largeReps()} times): their first tile warms up. */
    public static final int LARGE = 1024;
    /** How long the PyTorch peer may take for all cases. */
    static final Duration PEER_TIMEOUT = Duration.ofMinutes(60);

    /**
     * @param bundleLabel how the table names the bundle (e.g. models/taef2)
     * @param note        a line added under the table, or null
     * @param profile     null, or a folder for ONNX Runtime's profiler traces: each case then runs on sessions of
     *                    its own that write {@code <profile>/<case>/ort-<role>_<time>.json} when closed
     */
    public record Settings(
            List<InferenceBenchmark.Case> cases,
            int threads,
            int reps,
            int warmup,
            int largeReps,
            Path bundle,
            String bundleLabel,
            String note,
            Path profile) {
        public Settings {
            cases = List.copyOf(cases);
        }
    }

    private InferenceBenchReport() {}

    /** "256", "2048t" (t: tiled) -> cases; anything else is an error naming the spec. */
    public static List<InferenceBenchmark.Case> parseCases(List<String> specs) {
        List<InferenceBenchmark.Case> parsed = new ArrayList<>();
        for (String c : specs) {
            String s = c.trim().toLowerCase(Locale.ROOT);
            try {
                parsed.add(new InferenceBenchmark.Case(
                        Integer.parseInt(s.endsWith("t") ? s.substring(0, s.length() - 1) : s), s.endsWith("t")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--cases: '" + c + "' is not a size in pixels, optionally followed by t (tiled)");
            }
        }
        return parsed;
    }

    /**
     * Runs the cases on ONNX Runtime, then in the peer (null: none), and returns the table; progress lines go to {@code log}.
     */
    public static String run(Settings s, TorchPeer peer, PrintStream log) throws BundleException, OrtException {
        String loadBefore = loadAverage();
        Instant start = Instant.now();
        List<InferenceBenchmark.Result> ort = new ArrayList<>();
        // each case on sessions of its own, opened after a collection: a case's peak RSS then does not carry the
        // arenas and heap of the cases before it (a 512 px untiled run leaves ~0.5 GB of arena behind)
        for (InferenceBenchmark.Case c : s.cases()) {
            RuntimeOptions options = RuntimeOptions.threads(s.threads())
                    .withProfiling(
                            s.profile() == null
                                    ? null
                                    : profileFolder(s.profile(), c).resolve("ort"));
            System.gc();
            try (Autoencoder ae = Autoencoder.open(ModelBundle.open(s.bundle()), options)) {
                ort.add(runCase(ae, c, s, log));
            }
        }
        Map<String, JsonNode> torch = peer == null ? Map.of() : torchPeer(s, peer, log);
        Map<String, InferenceBenchmark.Result> exported =
                peer == null || torch.isEmpty() ? Map.of() : torchOnnxPeer(s, peer, log);
        return table(s, ort, torch, exported, start, loadBefore, loadAverage());
    }

    private static InferenceBenchmark.Result runCase(
            Autoencoder ae, InferenceBenchmark.Case c, Settings s, PrintStream log) throws OrtException {
        log.println("ONNX Runtime: " + c.label() + " px ...");
        return c.size() >= LARGE
                ? InferenceBenchmark.run(ae, c, 0, s.largeReps())
                : InferenceBenchmark.run(ae, c, s.warmup(), s.reps());
    }

    /** The folder of one case's profiler traces, e.g. {@code <profile>/2048t}; created when missing. */
    public static Path profileFolder(Path profile, InferenceBenchmark.Case c) {
        Path folder = profile.resolve(c.size() + (c.tiled() ? "t" : ""));
        try {
            java.nio.file.Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "--profile: cannot create the profile folder " + folder + " (" + e.getMessage() + ")", e);
        }
        return folder;
    }

    /** case key (e.g. "2048t") -> the peer's JSON, or empty when the peer is not available (said on {@code log}). */
    static Map<String, JsonNode> torchPeer(Settings s, TorchPeer peer, PrintStream log) {
        String spec = String.join(
                ",", s.cases().stream().map(InferenceBenchReport::key).toList());
        log.println("PyTorch peer: " + spec + " ...");
        PeerProcess.Result r = PeerProcess.run(
                peer.command(
                        "--cases",
                        spec,
                        "--reps",
                        String.valueOf(s.reps()),
                        "--warmup",
                        String.valueOf(s.warmup()),
                        "--large",
                        String.valueOf(LARGE),
                        "--large-reps",
                        String.valueOf(s.largeReps()),
                        "--threads",
                        String.valueOf(s.threads())),
                PEER_TIMEOUT,
                true);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode n : r.usable("PyTorch peer", List.of("case"), PeerProcess.INSTALL_TORCH, log)) {
            out.put(n.get("case").asText(), n);
        }
        return out;
    }

    /**
     * The second peer: the same PyTorch modules exported by {@code torch.onnx.export} (the peer script's
     * {@code --export-onnx}) and run on plain ONNX Runtime with the same session options, for the untiled cases
     * (tiling would need the export split at latent resolution, which only our exporter does). Empty when the
     * export fails (said on {@code log}).
     */
    static Map<String, InferenceBenchmark.Result> torchOnnxPeer(Settings s, TorchPeer peer, PrintStream log) {
        Map<String, InferenceBenchmark.Result> out = new LinkedHashMap<>();
        List<InferenceBenchmark.Case> whole =
                s.cases().stream().filter(c -> !c.tiled()).toList();
        if (whole.isEmpty()) {
            return out;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("eqvae-torch-onnx");
            log.println("torch.onnx export on ONNX Runtime: exporting ...");
            PeerProcess.Result r = PeerProcess.run(peer.command("--export-onnx", dir.toString()), PEER_TIMEOUT, false);
            if (r.usable("torch.onnx export", List.of("exported"), PeerProcess.INSTALL_TORCH, log)
                    .isEmpty()) {
                return out;
            }
            writeWholeModelManifest(s.bundle(), dir);
            for (InferenceBenchmark.Case c : whole) {
                System.gc();
                try (Autoencoder ae = Autoencoder.open(ModelBundle.open(dir), RuntimeOptions.threads(s.threads()))) {
                    log.println("torch.onnx export on ONNX Runtime: " + c.label() + " px ...");
                    out.put(key(c), InferenceBenchmark.run(ae, c, s.warmup(), s.reps()));
                }
            }
        } catch (IOException | OrtException e) {
            log.println("torch.onnx export peer failed (" + e.getMessage() + ")");
        } finally {
            if (dir != null) {
                try {
                    AtomicFolders.deleteTree(dir);
                } catch (IOException ignored) {
                    // a temporary folder left behind costs disk, not correctness
                }
            }
        }
        return out;
    }

    /** {@code bundle}'s model.json naming only the whole encoder.onnx and decoder.onnx, written into {@code dir}. */
    static void writeWholeModelManifest(Path bundle, Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(bundle.resolve("model.json").toFile());
        ObjectNode files = json.createObjectNode();
        files.put(ModelManifest.ENCODER, "encoder.onnx");
        files.put(ModelManifest.DECODER, "decoder.onnx");
        m.set("files", files);
        m.put("id", m.path("id").asText() + "-torch-onnx");
        json.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("model.json").toFile(), m);
    }

    static String key(InferenceBenchmark.Case c) {
        return c.size() + (c.tiled() ? "t" : "");
    }

    /** The 1, 5 and 15 minute load averages (Linux), to show how busy the machine was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    static String table(
            Settings s,
            List<InferenceBenchmark.Result> ort,
            Map<String, JsonNode> torch,
            Map<String, InferenceBenchmark.Result> exported,
            Instant start,
            String loadBefore,
            String loadAfter) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%-11s %5s %-10s %9s %9s %9s %9s %9s %8s %9s %8s%n",
                "case",
                "tiles",
                "peer",
                "ms/image",
                "min ms",
                "max ms",
                "encode",
                "decode",
                "images/s",
                "peak RSS",
                "ORT/PT"));
        for (InferenceBenchmark.Result r : ort) {
            JsonNode pt = torch.get(key(r.benchCase()));
            String ratio = pt == null
                    ? "n/a"
                    : String.format(
                            Locale.ROOT,
                            "%.2f",
                            r.msPerImage() / pt.get("ms_per_image").asDouble());
            b.append(row(
                    r.benchCase().label() + " px",
                    r.tiles(),
                    "ORT",
                    r.msPerImage(),
                    r.minMs(),
                    r.maxMs(),
                    r.encodeMs(),
                    r.decodeMs(),
                    r.peakRssBytes(),
                    ratio));
            if (pt != null) {
                b.append(row(
                        "",
                        pt.get("tiles").asInt(),
                        "PyTorch",
                        pt.get("ms_per_image").asDouble(),
                        pt.get("min_ms").asDouble(),
                        pt.get("max_ms").asDouble(),
                        pt.get("encode_ms").asDouble(),
                        pt.get("decode_ms").asDouble(),
                        pt.get("peak_rss_bytes").asLong(),
                        ""));
                InferenceBenchmark.Result ex = exported.get(key(r.benchCase()));
                if (ex != null) {
                    b.append(row(
                            "",
                            ex.tiles(),
                            "torch.onnx",
                            ex.msPerImage(),
                            ex.minMs(),
                            ex.maxMs(),
                            ex.encodeMs(),
                            ex.decodeMs(),
                            ex.peakRssBytes(),
                            String.format(Locale.ROOT, "%.2f", r.msPerImage() / ex.msPerImage())));
                }
                double diff = Math.abs(r.outputMean() - pt.get("output_mean").asDouble());
                if (diff > 1e-3) {
                    b.append(String.format(
                            Locale.ROOT,
                            "  WARNING: the peers' decoded images differ (mean %.5f vs %.5f)%n",
                            r.outputMean(),
                            pt.get("output_mean").asDouble()));
                }
            }
        }
        String peer = torch.isEmpty()
                ? "no PyTorch peer"
                : torch.values().iterator().next().get("peer").asText() + " eager, inference mode";
        b.append(String.format(
                Locale.ROOT,
                "%nTAEF2 encode + decode of one RGB image (batch 1), CPU, %d threads per peer; median of %d runs after %d"
                        + " warm-up (%d run%s, no warm-up, from %d px); peak RSS = the process's VmHWM during the case (each case on fresh sessions after a collection, model loaded before;"
                        + " the JVM's includes its heap).%n",
                s.threads(),
                s.reps(),
                s.warmup(),
                s.largeReps(),
                s.largeReps() == 1 ? "" : "s",
                LARGE));
        b.append("ORT: ONNX Runtime through eqvae4j (Autoencoder + TiledAutoencoder, bundle " + s.bundleLabel()
                + "); PyTorch: " + peer + ", same weights, input and tiling; the peers run one after the other.\n");
        b.append(
                "Tiled: 256 px tiles with a 32 px halo, whole-image parts once (as --tiling always). ORT/PT > 1: ONNX Runtime is slower.\n");
        if (!exported.isEmpty()) {
            b.append("torch.onnx: the PyTorch modules exported by torch.onnx.export (opset 17) and run on the same ONNX"
                    + " Runtime with the same session options (untiled cases only); its ORT/PT column is our ms over"
                    + " its ms (> 1: our export is slower).\n");
        }
        b.append(String.format(
                Locale.ROOT,
                "Run %s to %s, %d cores visible, JVM %s; load average (1/5/15 min) %s at the start, %s at the end.%n",
                start.toString().substring(0, 16) + "Z",
                Instant.now().toString().substring(11, 16) + "Z",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getRuntimeMXBean().getVmVersion(),
                loadBefore,
                loadAfter));
        if (s.note() != null) {
            b.append(s.note()).append('\n');
        }
        return b.toString();
    }

    private static String row(
            String label,
            int tiles,
            String peer,
            double ms,
            double min,
            double max,
            double enc,
            double dec,
            long rss,
            String ratio) {
        return String.format(
                Locale.ROOT,
                "%-11s %5d %-10s %9.1f %9.1f %9.1f %9.1f %9.1f %8.3f %9s %8s%n",
                label,
                tiles,
                peer,
                ms,
                min,
                max,
                enc,
                dec,
                1000 / ms,
                rss < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", rss / 1e6),
                ratio);
    }
}
