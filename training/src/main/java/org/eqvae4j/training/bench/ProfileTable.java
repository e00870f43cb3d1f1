package org.eqvae4j.training.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.eqvae4j.export.autodiff.Autodiff;

/**
 * Where a training step's kernel time goes, read from ONNX Runtime's profiler output (Chrome trace JSON:
 * one event per node run with {@code cat "Node"}, {@code name "<node>_kernel_time"}, {@code dur} in
 * microseconds and {@code args.op_name}/{@code args.provider}). Nodes are summed over every run in the
 * files, and split into forward, backward and optimizer by the names our exporter gives them.
 */
public final class ProfileTable {
    private static final String KERNEL_SUFFIX = "_kernel_time";

    /** The part of a training step a node belongs to. */
    public enum Phase {
        FORWARD,
        BACKWARD,
        OPTIMIZER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One node, summed over its runs. */
    public record NodeTime(String node, String opType, String provider, Phase phase, long micros, int runs) {}

    /** One op type in one phase, summed over its nodes and runs. */
    public record OpTypeTime(Phase phase, String opType, int nodes, long micros) {}

    private final List<NodeTime> nodes;
    private final long totalMicros;

    private ProfileTable(List<NodeTime> nodes) {
        this.nodes = List.copyOf(nodes);
        this.totalMicros = nodes.stream().mapToLong(NodeTime::micros).sum();
    }

    /**
     * The phase of a node: backward for what our autodiff built (named under the {@code grad/} scope) and
     * the gradient accumulators of the training model, optimizer for the optimizer model's update node,
     * forward for the rest.
     */
    static Phase phaseOf(String node, String opType) {
        if (opType.endsWith("Optimizer") || opType.endsWith("OptimizerV2")) {
            return Phase.OPTIMIZER;
        }
        if (node.startsWith(Autodiff.GRAD_SCOPE + "/")
                || node.contains("/" + Autodiff.GRAD_SCOPE + "/")
                || opType.startsWith("InPlaceAccumulator")) {
            return Phase.BACKWARD;
        }
        return Phase.FORWARD;
    }

    /** Reads every {@code *.json} profile in {@code folder}. */
    public static ProfileTable readFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("profile folder " + folder + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no ONNX Runtime profile (*.json) in " + folder);
        }
        return read(files);
    }

    /** Reads ONNX Runtime profile files (a JSON array of events, or an object with {@code traceEvents}). */
    public static ProfileTable read(List<Path> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, long[]> sums = new LinkedHashMap<>(); // key -> {micros, runs}
        Map<String, String[]> kinds = new LinkedHashMap<>(); // key -> {node, op, provider}
        // sessions of different models (an encoder and a decoder) may have nodes of the same name: when the
        // files' prefixes differ, nodes are told apart by theirs ("ort-encoder_<time>.json" -> "encoder/")
        boolean bySession =
                files.stream().map(ProfileTable::sessionOf).distinct().count() > 1;
        for (Path f : files) {
            String session = bySession ? sessionOf(f) + "/" : "";
            JsonNode root;
            try {
                root = json.readTree(f.toFile());
            } catch (IOException e) {
                throw new IOException("profile " + f + " is not JSON: " + e.getMessage(), e);
            }
            JsonNode events = root != null && root.isObject() ? root.get("traceEvents") : root;
            if (events == null || !events.isArray()) {
                throw new IOException("profile " + f + " is not a Chrome trace (a JSON array of events)");
            }
            for (JsonNode e : events) {
                String name = e.path("name").asText("");
                if (!"Node".equals(e.path("cat").asText()) || !name.endsWith(KERNEL_SUFFIX)) {
                    continue;
                }
                String node = session + name.substring(0, name.length() - KERNEL_SUFFIX.length());
                JsonNode args = e.path("args");
                if (!args.hasNonNull("op_name") || !e.hasNonNull("dur")) {
                    throw new IOException("profile " + f + ": node event '" + name + "' has no args.op_name or dur");
                }
                String op = args.get("op_name").asText();
                String provider = args.path("provider").asText("?");
                String key = node + "\u0000" + op + "\u0000" + provider;
                long[] s = sums.computeIfAbsent(key, k -> new long[2]);
                s[0] += e.get("dur").asLong();
                s[1]++;
                kinds.putIfAbsent(key, new String[] {node, op, provider});
            }
        }
        if (sums.isEmpty()) {
            throw new IOException("no node events (cat \"Node\", \"*" + KERNEL_SUFFIX + "\") in " + files);
        }
        List<NodeTime> nodes = new ArrayList<>();
        for (var entry : sums.entrySet()) {
            String[] k = kinds.get(entry.getKey());
            long[] s = entry.getValue();
            nodes.add(new NodeTime(k[0], k[1], k[2], phaseOf(k[0], k[1]), s[0], (int) s[1]));
        }
        return new ProfileTable(nodes);
    }

    /**
     * The session a profile file belongs to: its name without ONNX Runtime's {@code _<date>_<time>.json} suffix,
     * after the last '-' of the prefix ({@code ort-encoderLocal_2026-12-02_01-49-04_566.json -> encoderLocal}).
     */
    static String sessionOf(Path file) {
        String name = file.getFileName().toString().replaceFirst("_\\d{4}-\\d{2}-\\d{2}_[\\d_-]+\\.json$", "");
        return name.substring(name.lastIndexOf('-') + 1);
    }

    /** Every node, most expensive first. */
    public List<NodeTime> nodes() {
        return nodes.stream()
                .sorted(Comparator.comparingLong(NodeTime::micros).reversed())
                .toList();
    }

    /** Kernel time of all nodes, microseconds. */
    public long totalMicros() {
        return totalMicros;
    }

    /** Kernel time per phase, microseconds (every phase present, zero when absent). */
    public Map<Phase, Long> phaseMicros() {
        Map<Phase, Long> out = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            out.put(p, 0L);
        }
        for (NodeTime n : nodes) {
            out.merge(n.phase(), n.micros(), Long::sum);
        }
        return out;
    }

    /** Kernel time per (phase, op type), most expensive first. */
    public List<OpTypeTime> opTypes() {
        Map<String, OpTypeTime> out = new LinkedHashMap<>();
        for (NodeTime n : nodes) {
            out.merge(
                    n.phase() + "\u0000" + n.opType(),
                    new OpTypeTime(n.phase(), n.opType(), 1, n.micros()),
                    (a, b) -> new OpTypeTime(a.phase(), a.opType(), a.nodes() + b.nodes(), a.micros() + b.micros()));
        }
        return out.values().stream()
                .sorted(Comparator.comparingLong(OpTypeTime::micros).reversed())
                .toList();
    }

    /** The tables as Markdown: phases, op types, and the {@code top} most expensive nodes with their provider. */
    public String markdown(int top) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT, "Kernel time summed over all profiled runs: %.1f ms%n%n", totalMicros / 1000.0));
        b.append("| phase | ms | share |\n|---|---:|---:|\n");
        for (var e : phaseMicros().entrySet()) {
            if (e.getValue() == 0) {
                continue; // an inference profile has no backward or optimizer time
            }
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %s |%n",
                    e.getKey().label(),
                    e.getValue() / 1000.0,
                    share(e.getValue())));
        }
        boolean training = nodes.stream().anyMatch(n -> n.phase() == Phase.BACKWARD);
        if (training && nodes.stream().noneMatch(n -> n.phase() == Phase.OPTIMIZER)) {
            // ORT names profiles by the millisecond a session starts: sessions started within one share a file
            b.append("\nNo optimizer node in the profiles: its session's trace is missing or was overwritten.\n");
        }
        b.append("\n| phase | op type | nodes | ms | share |\n|---|---|---:|---:|---:|\n");
        for (OpTypeTime t : opTypes()) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %.1f | %s |%n",
                    t.phase().label(),
                    t.opType(),
                    t.nodes(),
                    t.micros() / 1000.0,
                    share(t.micros())));
        }
        b.append(String.format(
                Locale.ROOT,
                "%n%d most expensive nodes:%n%n| node | op type | provider | phase | runs | ms/run | share |%n"
                        + "|---|---|---|---|---:|---:|---:|%n",
                top));
        for (NodeTime n : nodes().stream().limit(top).toList()) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %d | %.2f | %s |%n",
                    n.node(),
                    n.opType(),
                    n.provider(),
                    n.phase().label(),
                    n.runs(),
                    n.micros() / 1000.0 / n.runs(),
                    share(n.micros())));
        }
        return b.toString();
    }

    private String share(long micros) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * micros / totalMicros);
    }
}
