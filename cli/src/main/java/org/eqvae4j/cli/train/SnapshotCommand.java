package org.eqvae4j.cli.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.training.eqvae.CheckpointBundles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = {
            "Write bundles from the checkpoints of an eqvae train run folder: the last committed one (an",
            "unfinished run's weights carried forward), one named checkpoint, or with --all every checkpoint the",
            "run kept (train --keep-every) as well, to evaluate the run on the way with eqvae results.",
            "Reads the folder only: it works while the run trains. Snapshots go to <run>/snapshots/step-NNNNNN."
        })
public final class SnapshotCommand implements Callable<Integer> {
    @Option(
            names = {"-r", "--run"},
            required = true,
            paramLabel = "DIR",
            description = "Run folder of eqvae train.")
    Path run;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description =
                    "A checkpoint file of the run (checkpoint-NNNNNN, e.g. a copy of a kept one); default: the last committed.")
    Path checkpoint;

    @Option(names = "--all", description = "Every checkpoint the run kept in <run>/kept/ and the last committed one.")
    boolean all;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Bundle folder for one snapshot (default <run>/snapshots/step-NNNNNN); not with --all.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (all && (checkpoint != null || output != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--all writes every snapshot to its default folder: give" + " --all, or --checkpoint and --output");
        }
        SortedMap<Long, Path> chosen = new java.util.TreeMap<>();
        if (all) {
            chosen.putAll(CheckpointBundles.checkpoints(run));
        } else if (checkpoint != null) {
            chosen.put(CheckpointBundles.stepOf(checkpoint), checkpoint);
        } else {
            SortedMap<Long, Path> each = CheckpointBundles.checkpoints(run);
            chosen.put(each.lastKey(), each.get(each.lastKey()));
        }
        List<String> written = new ArrayList<>();
        for (Map.Entry<Long, Path> e : chosen.entrySet()) {
            Path out = output != null ? output : CheckpointBundles.defaultOutput(run, e.getKey());
            ModelBundle b = CheckpointBundles.export(run, e.getValue(), out);
            System.out.println(
                    "step " + e.getKey() + ": " + b.root() + " (" + b.manifest().id() + ")");
            written.add(b.root().toString());
        }
        System.out.println("evaluate: ./eqvae results --models <base bundle>," + String.join(",", written)
                + " --images <eval images> --output progress.md");
        return 0;
    }
}
