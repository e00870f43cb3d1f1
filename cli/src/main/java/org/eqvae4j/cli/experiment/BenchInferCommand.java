package org.eqvae4j.cli.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.eqvae4j.runtime.bench.InferenceBenchmark;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-infer", mixinStandardHelpOptions = true,
        description = {"Benchmark TAEF2 encode + decode of one image on ONNX Runtime (CPU): images/s, ms/image (median,",
                "fastest, slowest), encode and decode medians and peak RSS, at 256 and 512 px whole and 2048 px tiled,",
                "and the same work in eager PyTorch when Debian's python3-torch is installed (bench/torch_taef2_infer.py),",
                "run one after the other, with the ratio. Writes the table to --output."})
public final class BenchInferCommand implements Callable<Integer> {
    private static final int LARGE = 1024;

    @Option(names = "--cases", defaultValue = "256,512,2048t", split = ",", paramLabel = "SIZE[t]",
            description = "Square image sizes; a trailing t tiles the image (default ${DEFAULT-VALUE}).")
    List<String> cases;

    @Option(names = "--reps", defaultValue = "3", description = "Timed repetitions per case (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--large-reps", defaultValue = "1", paramLabel = "N",
            description = {"Timed repetitions for cases of 1024 px and more, without warm-up: their first tile warms the",
                    "sessions up (default ${DEFAULT-VALUE})."})
    int largeReps;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for both peers (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = {"-m", "--model"}, paramLabel = "BUNDLE", description = "Bundle to time (default: models/taef2 under --home).")
    Path model;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the peer (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--note", paramLabel = "TEXT", description = "A line added under the table (e.g. what else ran on the machine).")
    String note;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Table file (default: models/reports/bench-infer.txt under --home).")
    Path output;

    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${sys:eqvae.home:-.}", description = "Repository folder.")
    Path home;

    @Override
    public Integer call() throws Exception {
        List<InferenceBenchmark.Case> parsed = new ArrayList<>();
        for (String c : cases) {
            String s = c.trim().toLowerCase(Locale.ROOT);
            try {
                parsed.add(new InferenceBenchmark.Case(Integer.parseInt(s.endsWith("t") ? s.substring(0, s.length() - 1) : s), s.endsWith("t")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cases: '" + c + "' is not a size in pixels, optionally followed by t (tiled)");
            }
        }
        Path bundle = model == null ? home.resolve("models/taef2") : model;
        Path out = output == null ? home.resolve("models/reports/bench-infer.txt") : output;
        String loadBefore = loadAverage();
        Instant start = Instant.now();
        List<InferenceBenchmark.Result> ort = new ArrayList<>();
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(bundle), RuntimeOptions.threads(threads))) {
            for (InferenceBenchmark.Case c : parsed) {
                System.err.println("ONNX Runtime: " + c.label() + " px ...");
                ort.add(c.size() >= LARGE ? InferenceBenchmark.run(ae, c, 0, largeReps) : InferenceBenchmark.run(ae, c, warmup, reps));
            }
        }
        Map<String, JsonNode> torch = noPeer ? Map.of() : torchPeer(parsed);
        String table = table(ort, torch, start, loadBefore, loadAverage());
        System.out.print(table);
        AtomicFiles.write(out, o -> o.write(table.getBytes(StandardCharsets.UTF_8)));
        System.out.println("wrote " + out);
        return 0;
    }

    /** The 1, 5 and 15 minute load averages (Linux), to show how busy the machine was. */
    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private String table(List<InferenceBenchmark.Result> ort, Map<String, JsonNode> torch, Instant start, String loadBefore, String loadAfter) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-11s %5s %-8s %9s %9s %9s %9s %9s %8s %9s %8s%n", "case", "tiles", "peer", "ms/image",
                "min ms", "max ms", "encode", "decode", "images/s", "peak RSS", "ORT/PT"));
        for (InferenceBenchmark.Result r : ort) {
            String key = r.benchCase().size() + (r.benchCase().tiled() ? "t" : "");
            JsonNode pt = torch.get(key);
            String ratio = pt == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.msPerImage() / pt.get("ms_per_image").asDouble());
            b.append(row(r.benchCase().label() + " px", r.tiles(), "ORT", r.msPerImage(), r.minMs(), r.maxMs(), r.encodeMs(), r.decodeMs(),
                    r.peakRssBytes(), ratio));
            if (pt != null) {
                b.append(row("", pt.get("tiles").asInt(), "PyTorch", pt.get("ms_per_image").asDouble(), pt.get("min_ms").asDouble(),
                        pt.get("max_ms").asDouble(), pt.get("encode_ms").asDouble(), pt.get("decode_ms").asDouble(),
                        pt.get("peak_rss_bytes").asLong(), ""));
                double diff = Math.abs(r.outputMean() - pt.get("output_mean").asDouble());
                if (diff > 1e-3) {
                    b.append(String.format(Locale.ROOT, "  WARNING: the peers' decoded images differ (mean %.5f vs %.5f)%n",
                            r.outputMean(), pt.get("output_mean").asDouble()));
                }
            }
        }
        String peer = torch.isEmpty() ? "no PyTorch peer" : torch.values().iterator().next().get("peer").asText() + " eager, inference mode";
        b.append(String.format(Locale.ROOT, "%nTAEF2 encode + decode of one RGB image (batch 1), CPU, %d threads per peer; median of %d runs after %d"
                + " warm-up (%d run%s, no warm-up, from %d px); peak RSS = the process's VmHWM during the case (model loaded before;"
                + " the JVM's includes its heap).%n", threads, reps, warmup, largeReps, largeReps == 1 ? "" : "s", LARGE));
        b.append("ORT: ONNX Runtime through eqvae4j (Autoencoder + TiledAutoencoder, bundle " + (model == null ? "models/taef2" : model)
                + "); PyTorch: " + peer + ", same weights, input and tiling; the peers run one after the other.\n");
        b.append("Tiled: 256 px tiles with a 32 px halo, whole-image parts once (as --tiling always). ORT/PT > 1: ONNX Runtime is slower.\n");
        b.append(String.format(Locale.ROOT, "Run %s to %s, %d cores visible, JVM %s; load average (1/5/15 min) %s at the start, %s at the end.%n",
                start.toString().substring(0, 16) + "Z", Instant.now().toString().substring(11, 16) + "Z", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getRuntimeMXBean().getVmVersion(), loadBefore, loadAfter));
        if (note != null) {
            b.append(note).append('\n');
        }
        return b.toString();
    }

    private static String row(String label, int tiles, String peer, double ms, double min, double max, double enc, double dec, long rss,
                              String ratio) {
        return String.format(Locale.ROOT, "%-11s %5d %-8s %9.1f %9.1f %9.1f %9.1f %9.1f %8.3f %9s %8s%n", label, tiles, peer, ms, min, max,
                enc, dec, 1000 / ms, rss < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", rss / 1e6), ratio);
    }

    /** case key (e.g. "2048t") -> the peer's JSON, or empty when python3-torch is not available. */
    private Map<String, JsonNode> torchPeer(List<InferenceBenchmark.Case> parsed) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Path script = home.resolve("bench/torch_taef2_infer.py");
        String spec = String.join(",", parsed.stream().map(c -> c.size() + (c.tiled() ? "t" : "")).toList());
        try {
            System.err.println("PyTorch peer: " + spec + " ...");
            Process p = new ProcessBuilder(python, script.toString(),
                    "--encoder", home.resolve("models/sources/taef2/taef2_encoder.safetensors").toString(),
                    "--decoder", home.resolve("models/sources/taef2/taef2_decoder.safetensors").toString(),
                    "--cases", spec, "--reps", String.valueOf(reps), "--warmup", String.valueOf(warmup),
                    "--large", String.valueOf(LARGE), "--large-reps", String.valueOf(largeReps),
                    "--threads", String.valueOf(threads)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode n = json.readTree(line);
                    out.put(n.get("case").asText(), n);
                }
            }
            if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
                System.err.println("PyTorch peer failed; install Debian's python3-torch to compare");
                out.clear();
            }
        } catch (Exception e) {
            System.err.println("PyTorch peer not available (" + e.getMessage() + "); install Debian's python3-torch to compare");
            out.clear();
        }
        return out;
    }
}
