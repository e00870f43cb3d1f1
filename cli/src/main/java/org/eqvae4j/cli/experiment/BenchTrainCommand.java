package org.eqvae4j.cli.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.training.bench.TrainStepBenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench-train",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark a TAEF2 training step (forward + L1 loss + backward + AdamW) on ONNX Runtime's training",
            "API, CPU, at each --sizes crop with --batch images, and the same step in PyTorch when Debian's",
            "python3-torch is installed (bench/torch_taef2_step.py), printing ms/step, images/s and the ratio."
        })
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(
            names = "--sizes",
            defaultValue = "64,128",
            split = ",",
            description = "Crop sizes (default ${DEFAULT-VALUE}).")
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

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description = {
                "Turn on ONNX Runtime's profiler and write, per size, its JSON profiles and a Markdown table",
                "(forward/backward/optimizer share, time per op type, the 15 most expensive nodes with their",
                "provider) into DIR. The profiler adds its own cost to the timed steps."
            })
    Path profile;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch for the peer (default ${DEFAULT-VALUE}).")
    String python;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            defaultValue = "${sys:eqvae.home:-.}",
            description = "Repository folder.")
    Path home;

    @Override
    public Integer call() throws Exception {
        Path enc = home.resolve("models/sources/taef2/taef2_encoder.safetensors");
        Path dec = home.resolve("models/sources/taef2/taef2_decoder.safetensors");
        Map<String, Tensor> weights = BundleExporter.readWeights(List.of(), enc, dec);
        Path work = Files.createTempDirectory("eqvae-bench");
        TrainStepBenchReport.Settings settings =
                new TrainStepBenchReport.Settings(sizes, batch, steps, warmup, threads, portable, profile);
        Map<Integer, Double> torch = TrainStepBenchReport.torchPeer(
                settings,
                new org.eqvae4j.runtime.bench.TorchPeer(python, home.resolve("bench/torch_taef2_step.py"), enc, dec),
                System.err);
        TrainStepBenchReport.run(settings, Architectures.standard().get("taef2"), weights, torch, work, System.out);
        return 0;
    }
}
