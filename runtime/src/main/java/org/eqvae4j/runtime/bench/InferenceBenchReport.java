package org.eqvae4j.runtime.bench;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
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
     */
    public record Settings(
            List<InferenceBenchmark.Case> cases,
            int threads,
            int reps,
            int warmup,
            int largeReps,
            Path bundle,
            String bundleLabel,
            String note) {
        public Settings {
            cases = List.copyOf(cases);
        }
    }

    /** The PyTorch peer: a Python with torch, its script, and the weights both peers load. */
    public record TorchPeer(String python, Path script, Path encoderWeights, Path decoderWeights) {}

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
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(s.bundle()), RuntimeOptions.threads(s.threads()))) {
            for (InferenceBenchmark.Case c : s.cases()) {
                log.println("ONNX Runtime: " + c.label() + " px ...");
                ort.add(
                        c.size() >= LARGE
                                ? InferenceBenchmark.run(ae, c, 0, s.largeReps())
                                : InferenceBenchmark.run(ae, c, s.warmup(), s.reps()));
            }
        }
        Map<String, JsonNode> torch = peer == null ? Map.of() : torchPeer(s, peer, log);
        return table(s, ort, torch, start, loadBefore, loadAverage());
    }

    /** case key (e.g. "2048t") -> the peer's JSON, or empty when the peer is not available (said on {@code log}). */
    static Map<String, JsonNode> torchPeer(Settings s, TorchPeer peer, PrintStream log) {
        String spec = String.join(
                ",", s.cases().stream().map(InferenceBenchReport::key).toList());
        log.println("PyTorch peer: " + spec + " ...");
        PeerProcess.Result r = PeerProcess.run(
                List.of(
                        peer.python(),
                        peer.script().toString(),
                        "--encoder",
                        peer.encoderWeights().toString(),
                        "--decoder",
                        peer.decoderWeights().toString(),
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
            Instant start,
            String loadBefore,
            String loadAfter) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%-11s %5s %-8s %9s %9s %9s %9s %9s %8s %9s %8s%n",
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
                        + " warm-up (%d run%s, no warm-up, from %d px); peak RSS = the process's VmHWM during the case (model loaded before;"
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
                "%-11s %5d %-8s %9.1f %9.1f %9.1f %9.1f %9.1f %8.3f %9s %8s%n",
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
