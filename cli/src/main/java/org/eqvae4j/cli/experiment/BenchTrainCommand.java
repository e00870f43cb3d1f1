package org.eqvae4j.cli.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.training.bench.TrainStepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-train", mixinStandardHelpOptions = true,
        description = {"Benchmark a TAEF2 training step (forward + L1 loss + backward + AdamW) on ONNX Runtime's training",
                "API, CPU, at each --sizes crop with --batch images, and the same step in PyTorch when Debian's",
                "python3-torch is installed (bench/torch_taef2_step.py), printing ms/step, images/s and the ratio."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--sizes", defaultValue = "64,128", split = ",", description = "Crop sizes (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--batch", defaultValue = "4", description = "Batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for both peers (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--portable", description = "Also time the portable (standard-op) gradient graph.")
    boolean portable;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the peer (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${sys:eqvae.home:-.}", description = "Repository folder.")
    Path home;

    @Override
    public Integer call() throws Exception {
        Path enc = home.resolve("models/sources/taef2/taef2_encoder.safetensors");
        Path dec = home.resolve("models/sources/taef2/taef2_decoder.safetensors");
        Map<String, Tensor> weights = BundleExporter.readWeights(List.of(), enc, dec);
        Path work = Files.createTempDirectory("eqvae-bench");
        Map<Integer, Double> torch = torchPeer(enc, dec);
        System.out.printf("%-10s %6s %6s %12s %10s %14s %8s%n", "gradients", "size", "batch", "ORT ms/step", "images/s",
                "PyTorch ms/step", "ORT/PT");
        for (int size : sizes) {
            for (boolean fused : portable ? new boolean[] {true, false} : new boolean[] {true}) {
                TrainStepBenchmark.Result r = TrainStepBenchmark.run(Architectures.standard().get("taef2"), weights, size, batch,
                        warmup, steps, fused, threads, work);
                Double pt = torch.get(size);
                System.out.printf(Locale.ROOT, "%-10s %6d %6d %12.1f %10.2f %14s %8s%n", r.gradients(), size, batch, r.msPerStep(),
                        r.imagesPerSecond(), pt == null ? "n/a" : String.format(Locale.ROOT, "%.1f", pt),
                        pt == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.msPerStep() / pt));
            }
        }
        System.out.printf("median of %d steps after %d warm-up steps; %d threads; ORT/PT > 1 means ONNX Runtime is slower%n",
                steps, warmup, threads);
        return 0;
    }

    /** size -> PyTorch ms/step, or empty when python3-torch is not available. */
    private Map<Integer, Double> torchPeer(Path enc, Path dec) {
        Map<Integer, Double> out = new HashMap<>();
        Path script = home.resolve("bench/torch_taef2_step.py");
        try {
            Process p = new ProcessBuilder(python, script.toString(), "--encoder", enc.toString(), "--decoder", dec.toString(),
                    "--sizes", sizes.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("64"),
                    "--batch", String.valueOf(batch), "--steps", String.valueOf(steps), "--warmup", String.valueOf(warmup),
                    "--threads", String.valueOf(threads)).redirectErrorStream(false).start();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode n = json.readTree(line);
                    out.put(n.get("size").asInt(), n.get("ms_per_step").asDouble());
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                System.err.println("PyTorch peer failed (exit " + p.exitValue() + "); install Debian's python3-torch to compare");
                out.clear();
            }
        } catch (Exception e) {
            System.err.println("PyTorch peer not available (" + e.getMessage() + "); install Debian's python3-torch to compare");
            out.clear();
        }
        return out;
    }
}
