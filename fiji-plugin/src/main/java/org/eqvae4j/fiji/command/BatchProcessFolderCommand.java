package org.eqvae4j.fiji.command;

import java.io.File;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.OpenModel;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** roundtrip / encode / decode / transform over a folder tree (see {@link EqvaeOps#batch}). */
@Plugin(type = Command.class, label = "EQ-VAE Batch Process Folder", headless = true)
public final class BatchProcessFolderCommand extends EqvaeCommand {
    @Parameter(style = "directory")
    File input;

    @Parameter(style = "directory", label = "Output folder (not inside the input)")
    File output;

    @Parameter(choices = {"roundtrip", "encode", "decode", "transform"})
    String operation = "roundtrip";

    @Parameter(label = "Model (shipped name, bundle folder or .zip)")
    String model = "taef2";

    @Parameter(label = "Intensity (linear, percentile[:low:high])")
    String intensity = "linear";

    @Parameter(label = "Transform", required = false)
    String transform = "";

    @Parameter(label = "Files matching (glob)", required = false)
    String files = "";

    @Parameter(min = "1")
    int threads = 1;

    @Parameter(label = "Redo files already done")
    boolean redo;

    @Parameter(label = "Ignore bundle id when decoding")
    boolean ignore;

    @Parameter(type = ItemIO.OUTPUT)
    int done;

    @Parameter(type = ItemIO.OUTPUT)
    int skipped;

    @Parameter(type = ItemIO.OUTPUT)
    int failed;

    @Override
    String title() {
        return "EQ-VAE Batch Process Folder";
    }

    @Override
    void execute() throws Exception {
        if (input == null || output == null) {
            throw new IllegalArgumentException("choose an input and an output folder");
        }
        EqvaeOps.BatchOp op = EqvaeOps.BatchOp.parse(operation);
        FolderBatch.Options options =
                new FolderBatch.Options(threads, files == null || files.isBlank() ? null : files.trim(), redo);
        EqvaeOps.BatchResult r;
        if (op == EqvaeOps.BatchOp.TRANSFORM) {
            r = EqvaeOps.batch(
                    input.toPath(), output.toPath(), op, null, intensity, transform, options, ignore, monitor());
        } else {
            try (OpenModel m = open(model)) {
                r = EqvaeOps.batch(
                        input.toPath(),
                        output.toPath(),
                        op,
                        m.codec(),
                        intensity,
                        transform,
                        options,
                        ignore,
                        monitor());
            }
        }
        done = r.done();
        skipped = r.skipped();
        failed = r.failed();
        r.rows().stream()
                .filter(row -> "failed".equals(row.get("status")))
                .forEach(row -> log.warn(title() + ": " + row.get("error")));
    }
}
