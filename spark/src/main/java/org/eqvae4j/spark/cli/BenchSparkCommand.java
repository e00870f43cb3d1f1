package org.eqvae4j.spark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.spark.SparkBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench-spark",
        mixinStandardHelpOptions = true,
        description = {
            "Encode throughput (images/s): batch -j 2 against the Spark job on local[1] and local[2],",
            "one ONNX Runtime thread per file or task, on synthetic PNGs (or --images DIR).",
            "Writes the table to --table and the console."
        })
public final class BenchSparkCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            defaultValue = "models/taef2",
            paramLabel = "BUNDLE",
            description = "Bundle (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Images to encode (default: --count synthetic PNGs of --size px).")
    Path images;

    @Option(
            names = "--count",
            defaultValue = "64",
            paramLabel = "N",
            description = "Synthetic images (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--size",
            defaultValue = "64",
            paramLabel = "PX",
            description = "Synthetic image side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--repeats",
            defaultValue = "2",
            paramLabel = "N",
            description = "Timed runs per case after a warm-up; the fastest counts.")
    int repeats;

    @Option(
            names = "--table",
            defaultValue = "models/reports/bench-spark.txt",
            paramLabel = "FILE",
            description = "Where the table goes (default ${DEFAULT-VALUE}).")
    Path table;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("eqvae-bench-spark-");
        Path in = images;
        if (in == null) {
            in = work.resolve("images");
            SparkBenchmark.synthesise(in, count, size, 1);
        }
        List<SparkBenchmark.Row> rows = SparkBenchmark.run(model, in, work.resolve("out"), repeats);
        String text = SparkBenchmark.table(
                rows,
                "# eqvae bench-spark, " + Instant.now() + ": encode with " + model + ", "
                        + (images == null ? count + " synthetic " + size + " px PNGs" : "images of " + images) + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores, fastest of " + repeats + " runs");
        System.out.print(text);
        AtomicFiles.write(table, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        System.out.println("table in " + table + " (work files in " + work + ")");
        return 0;
    }
}
