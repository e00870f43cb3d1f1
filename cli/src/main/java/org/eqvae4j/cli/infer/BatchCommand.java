package org.eqvae4j.cli.infer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.EqvaeCli;
import org.eqvae4j.cli.options.ModelOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.batch.BatchOperation;
import org.eqvae4j.runtime.batch.DecodeOperation;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.batch.RoundTripOperation;
import org.eqvae4j.runtime.batch.Shard;
import org.eqvae4j.runtime.batch.TransformOperation;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.transform.TransformSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run roundtrip, encode, decode or transform over a folder tree.",
            "Results go into an output folder that mirrors the tree, with summary.csv.",
            "Inputs are never written. A re-run skips files whose outputs exist, are not",
            "empty and are not older than the input (--redo processes all). Failing files",
            "are reported and the rest go on; exit code 1 when any failed."
        })
public final class BatchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "PATH",
            description = "Folder (searched recursively) or file.")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Output folder (not inside the input).")
    Path output;

    @Option(
            names = "--op",
            required = true,
            paramLabel = "OP",
            description = {
                "roundtrip: images -> <name>.recon.png|tif (+ .tau/.tau-decoded with --transform) and PSNR;",
                "encode: images -> <name>.latent.tif;  decode: *.latent.tif -> <name>.png|tif;",
                "transform: *.latent.tif -> *.latent.tif (needs --transform, no model)."
            })
    String op;

    @Option(
            names = {"-t", "--transform"},
            paramLabel = "SPEC",
            description = "Latent transform, e.g. scale=0.5,rot=1.")
    String transform;

    @Option(
            names = "--glob",
            paramLabel = "PATTERN",
            description = "Only inputs matching, e.g. '*.tif' (file name) or 'plate1/**.png' (path below the input).")
    String glob;

    @Option(
            names = {"--workers", "-j"},
            defaultValue = "1",
            paramLabel = "N",
            description = {
                "Files processed at once, sharing one model (default ${DEFAULT-VALUE}); each model call then",
                "gets cores / N ONNX Runtime threads unless --threads says otherwise."
            })
    int workers;

    @Option(names = "--redo", description = "Process files again even when their outputs are there.")
    boolean redo;

    @Option(
            names = "--shard",
            paramLabel = "K/N",
            description = {
                "Process only part K of N of the sorted inputs (every N-th file from the K-th), for array jobs,",
                "e.g. Slurm: --shard $SLURM_ARRAY_TASK_ID/N with --array=1-N. Names are those of the whole batch;",
                "the summary is summary-K-of-N.csv."
            })
    String shard;

    @Option(
            names = "--intensity",
            defaultValue = "linear",
            paramLabel = "MAP",
            description = "linear or percentile[:LOW:HIGH] for encode and roundtrip (default ${DEFAULT-VALUE}).")
    String intensity;

    @Option(
            names = "--ignore-bundle-id",
            description = "decode: accept latents made by another bundle with the same channel count.")
    boolean ignoreBundleId;

    @Override
    public Integer call() throws Exception {
        FolderBatch.Options options =
                new FolderBatch.Options(workers, glob, redo, shard == null ? Shard.ALL : Shard.parse(shard));
        if (op.equals("transform")) {
            if (transform == null) {
                throw new IllegalArgumentException("--op transform needs --transform SPEC");
            }
            return run(new TransformOperation(transform), options);
        }
        if (!List.of("roundtrip", "encode", "decode").contains(op)) {
            throw new IllegalArgumentException("--op must be roundtrip, encode, decode or transform, got '" + op + "'");
        }
        if (transform != null && !op.equals("roundtrip")) {
            throw new IllegalArgumentException("--transform goes with --op roundtrip or transform; for " + op
                    + " run a separate --op transform step");
        }
        IntensityMapping mapping = IntensityMapping.parse(intensity);
        if (model.device.threads == 0 && workers > 1) { // workers share the cores instead of each taking all of them
            model.device.threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        }
        try (Autoencoder ae = model.open()) {
            LatentCodec codec = model.codec(ae);
            return switch (op) {
                case "encode" -> run(new EncodeOperation(codec, mapping), options);
                case "decode" -> run(new DecodeOperation(codec, ignoreBundleId), options);
                default ->
                    run(
                            new RoundTripOperation(
                                    codec, transform == null ? null : TransformSpec.parse(transform), mapping),
                            options);
            };
        }
    }

    private <R> int run(BatchOperation<R> operation, FolderBatch.Options options) throws Exception {
        List<FolderBatch.Item<R>> items =
                FolderBatch.run(input, output, operation, options, new ProgressBar(System.err));
        long done = items.stream()
                .filter(i -> i.status() == FolderBatch.Status.DONE)
                .count();
        long skipped = items.stream()
                .filter(i -> i.status() == FolderBatch.Status.SKIPPED)
                .count();
        List<FolderBatch.Item<R>> failed =
                items.stream().filter(FolderBatch.Item::failed).toList();
        failed.forEach(i -> System.out.println("FAILED " + i.error()));
        System.out.printf(
                "%s: %d done, %d skipped (done before), %d failed; results and %s in %s%n",
                op, done, skipped, failed.size(), options.shard().summaryName(), output);
        return failed.isEmpty() ? 0 : EqvaeCli.SOME_FAILED;
    }
}
