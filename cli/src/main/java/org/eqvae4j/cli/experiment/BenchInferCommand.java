package org.eqvae4j.cli.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.runtime.bench.InferenceBenchReport;
import org.eqvae4j.runtime.bench.InferenceBenchmark;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.training.bench.ProfileTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench-infer",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark TAEF2 encode + decode of one image on ONNX Runtime (CPU): images/s, ms/image (median,",
            "fastest, slowest), encode and decode medians and peak RSS, at 256 and 512 px whole and 2048 px tiled,",
            "and the same work in eager PyTorch when Debian's python3-torch is installed (bench/torch_taef2_infer.py),",
            "run one after the other, with the ratio. Writes the table to --output."
        })
public final class BenchInferCommand implements Callable<Integer> {
    @Option(
            names = "--cases",
            defaultValue = "256,512,2048t",
            split = ",",
            paramLabel = "SIZE[t]",
            description = "Square image sizes; a trailing t tiles the image (default ${DEFAULT-VALUE}).")
    List<String> cases;

    @Option(
            names = "--reps",
            defaultValue = "3",
            description = "Timed repetitions per case (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--large-reps",
            defaultValue = "1",
            paramLabel = "N",
            description = {
                "Timed repetitions for cases of 1024 px and more, without warm-up: their first tile warms the",
                "sessions up (default ${DEFAULT-VALUE})."
            })
    int largeReps;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for both peers (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "BUNDLE",
            description = "Bundle to time (default: models/taef2 under --home).")
    Path model;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch for the peer (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
    boolean noPeer;

    @Option(
            names = "--note",
            paramLabel = "TEXT",
            description = "A line added under the table (e.g. what else ran on the machine).")
    String note;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Table file (default: models/reports/bench-infer.txt under --home).")
    Path output;

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description = {
                "Turn on ONNX Runtime's profiler: each case runs on sessions of its own, whose JSON traces go to"
                        + " DIR/<case>/, tabulated in DIR/<case>.md (time per op type, the 15 most expensive nodes"
                        + " with their provider). The profiler adds its own cost to the timings."
            })
    Path profile;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            defaultValue = "${sys:eqvae.home:-.}",
            description = "Repository folder.")
    Path home;

    @Override
    public Integer call() throws Exception {
        InferenceBenchReport.Settings settings = new InferenceBenchReport.Settings(
                InferenceBenchReport.parseCases(cases),
                threads,
                reps,
                warmup,
                largeReps,
                model == null ? home.resolve("models/taef2") : model,
                model == null ? "models/taef2" : model.toString(),
                note,
                profile);
        org.eqvae4j.runtime.bench.TorchPeer peer = noPeer
                ? null
                : new org.eqvae4j.runtime.bench.TorchPeer(
                        python,
                        home.resolve("bench/torch_taef2_infer.py"),
                        home.resolve("models/sources/taef2/taef2_encoder.safetensors"),
                        home.resolve("models/sources/taef2/taef2_decoder.safetensors"));
        String table = InferenceBenchReport.run(settings, peer, System.err);
        Path out = output == null ? home.resolve("models/reports/bench-infer.txt") : output;
        System.out.print(table);
        AtomicFiles.write(out, o -> o.write(table.getBytes(StandardCharsets.UTF_8)));
        System.out.println("wrote " + out);
        if (profile != null) {
            for (InferenceBenchmark.Case c : settings.cases()) {
                Path folder = InferenceBenchReport.profileFolder(profile, c);
                Path md = folder.resolveSibling(folder.getFileName() + ".md");
                String text = "# Inference profile: " + settings.bundleLabel() + ", " + c.label() + " px, " + threads
                        + " threads\n\n" + ProfileTable.readFolder(folder).markdown(15);
                AtomicFiles.write(md, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
                System.out.println("wrote " + md);
            }
        }
        return 0;
    }
}
