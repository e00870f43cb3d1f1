package org.eqvae4j.training.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.runtime.bench.PeerProcess;
import org.eqvae4j.runtime.bench.TorchPeer;

/**
 * The training-step benchmark of {@code eqvae bench-train}: {@link TrainStepBenchmark} at each size (fused, and portable
 * gradients on request) beside the same step in the PyTorch peer (bench/torch_taef2_step.py), as a table.
 */
public final class TrainStepBenchReport {
    /** How long the PyTorch peer may take for all sizes. */
    static final Duration PEER_TIMEOUT = Duration.ofMinutes(30);

    /** Nodes listed by name in a profile table. */
    static final int PROFILE_TOP_NODES = 15;

    /**
     * @param portable also time the portable (standard-op) gradient graph
     * @param profile null, or a folder for ONNX Runtime's profiles and their tables (one per size and gradients)
     */
    public record Settings(
            List<Integer> sizes, int batch, int steps, int warmup, int threads, boolean portable, Path profile) {
        public Settings {
            sizes = List.copyOf(sizes);
        }

        public Settings(List<Integer> sizes, int batch, int steps, int warmup, int threads, boolean portable) {
            this(sizes, batch, steps, warmup, threads, portable, null);
        }
    }

    /** One line of the table: ONNX Runtime's step and PyTorch's at the same size (null when there is no peer). */
    public record Row(TrainStepBenchmark.Result ort, Double torchMsPerStep) {}

    private TrainStepBenchReport() {}

    /** size -> PyTorch ms/step, or empty when the peer is not available (said on {@code log}). */
    public static Map<Integer, Double> torchPeer(Settings s, TorchPeer peer, PrintStream log) {
        PeerProcess.Result r = PeerProcess.run(
                peer.command(
                        "--sizes",
                        String.join(",", s.sizes().stream().map(String::valueOf).toList()),
                        "--batch",
                        String.valueOf(s.batch()),
                        "--steps",
                        String.valueOf(s.steps()),
                        "--warmup",
                        String.valueOf(s.warmup()),
                        "--threads",
                        String.valueOf(s.threads())),
                PEER_TIMEOUT,
                false);
        Map<Integer, Double> out = new HashMap<>();
        for (Map<String, Double> n :
                r.usableNumbers("PyTorch peer", List.of("size", "ms_per_step"), PeerProcess.INSTALL_TORCH, log)) {
            out.put(n.get("size").intValue(), n.get("ms_per_step"));
        }
        return out;
    }

    /** Times every size (and gradient kind) on ONNX Runtime, printing the table to {@code out} as rows come in. */
    public static List<Row> run(
            Settings s,
            AutoencoderArchitecture arch,
            Map<String, Tensor> weights,
            Map<Integer, Double> torch,
            Path work,
            PrintStream out)
            throws IOException {
        out.print(header());
        List<Row> rows = new ArrayList<>();
        for (int size : s.sizes()) {
            for (boolean fused : s.portable() ? new boolean[] {true, false} : new boolean[] {true}) {
                Path profileFolder = s.profile() == null ? null : profileFolder(s.profile(), fused, size, s.batch());
                if (profileFolder != null) {
                    Files.createDirectories(profileFolder);
                }
                Row row = new Row(
                        TrainStepBenchmark.run(
                                arch,
                                weights,
                                size,
                                s.batch(),
                                s.warmup(),
                                s.steps(),
                                fused,
                                s.threads(),
                                work,
                                profileFolder == null ? null : profileFolder.resolve("ort")),
                        torch.get(size));
                rows.add(row);
                out.print(format(row));
                if (profileFolder != null) {
                    writeProfileTable(profileFolder, row.ort(), s);
                }
            }
        }
        out.print(footer(s));
        if (s.profile() != null) {
            out.printf("profile tables (Markdown) and ONNX Runtime's JSON profiles in %s%n", s.profile());
        }
        return rows;
    }

    /** The folder of one profiled configuration, e.g. {@code fused-64px-b4}. */
    static Path profileFolder(Path profile, boolean fused, int size, int batch) {
        return profile.resolve((fused ? "fused" : "portable") + "-" + size + "px-b" + batch);
    }

    /** Tabulates the JSON profiles in {@code folder} into {@code folder.md} beside it. */
    static Path writeProfileTable(Path folder, TrainStepBenchmark.Result r, Settings s) throws IOException {
        ProfileTable table = ProfileTable.readFolder(folder);
        Path md = folder.resolveSibling(folder.getFileName() + ".md");
        String title = String.format(
                Locale.ROOT,
                "## %s gradients, %d px, batch %d, %d threads: %.1f ms/step (median, profiler on)%n%n"
                        + "%d warm-up + %d timed steps profiled.%n%n",
                r.gradients(),
                r.size(),
                r.batch(),
                s.threads(),
                r.msPerStep(),
                s.warmup(),
                s.steps());
        Files.writeString(md, title + table.markdown(PROFILE_TOP_NODES));
        return md;
    }

    static String header() {
        return String.format(
                "%-10s %6s %6s %12s %10s %14s %8s%n",
                "gradients", "size", "batch", "ORT ms/step", "images/s", "PyTorch ms/step", "ORT/PT");
    }

    static String format(Row row) {
        TrainStepBenchmark.Result r = row.ort();
        Double pt = row.torchMsPerStep();
        return String.format(
                Locale.ROOT,
                "%-10s %6d %6d %12.1f %10.2f %14s %8s%n",
                r.gradients(),
                r.size(),
                r.batch(),
                r.msPerStep(),
                r.imagesPerSecond(),
                pt == null ? "n/a" : String.format(Locale.ROOT, "%.1f", pt),
                pt == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.msPerStep() / pt));
    }

    static String footer(Settings s) {
        return String.format(
                "median of %d steps after %d warm-up steps; %d threads; ORT/PT > 1 means ONNX Runtime is slower%n",
                s.steps(), s.warmup(), s.threads());
    }
}
