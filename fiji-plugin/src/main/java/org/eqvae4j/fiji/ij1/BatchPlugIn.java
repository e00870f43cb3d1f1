package org.eqvae4j.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.OpenModel;
import org.eqvae4j.runtime.batch.FolderBatch;

/**
 * Plugins > EQ-VAE > EQ-VAE Batch Process Folder: roundtrip, encode, decode or transform every file of a
 * folder tree into a mirrored output folder (as {@code eqvae batch}); one Results row per file, failures
 * reported per file while the others go on, {@code summary.csv} in the output folder.
 */
public final class BatchPlugIn extends EqvaePlugIn {
    @Override
    String title() {
        return "EQ-VAE Batch Process Folder";
    }

    @Override
    void execute() throws Exception {
        List<Models.Shipped> shipped = Ij.shipped();
        GenericDialog gd = new GenericDialog(title());
        addPathField(gd, "Input folder", "", true);
        addPathField(gd, "Output folder (not inside the input)", "", true);
        gd.addChoice("Operation", EqvaeOps.BatchOp.labels(), "roundtrip");
        addModel(gd, shipped, null);
        gd.addStringField("Intensity (linear, percentile[:low:high])", "linear", 16);
        gd.addStringField("Transform (roundtrip: optional; transform: required)", "", 24);
        gd.addStringField("Files matching (glob, empty for all)", "", 16);
        gd.addNumericField("Threads (files at once)", 1, 0);
        gd.addCheckbox("Redo files already done", false);
        gd.addCheckbox("Ignore bundle id when decoding", false);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String input = gd.getNextString().trim();
        String output = gd.getNextString().trim();
        EqvaeOps.BatchOp op = EqvaeOps.BatchOp.parse(gd.getNextChoice());
        String model = gd.getNextString();
        String intensity = gd.getNextString();
        String transform = gd.getNextString();
        String glob = gd.getNextString().trim();
        int threads = (int) gd.getNextNumber();
        boolean redo = gd.getNextBoolean();
        boolean ignore = gd.getNextBoolean();
        if (input.isEmpty() || output.isEmpty()) {
            throw new IllegalArgumentException("choose an input and an output folder (input=... output=...)");
        }
        if (op == EqvaeOps.BatchOp.TRANSFORM && transform.isBlank()) {
            throw new IllegalArgumentException("operation transform needs a transform, e.g. transform=scale=0.5");
        }
        FolderBatch.Options options = new FolderBatch.Options(threads, glob.isEmpty() ? null : glob, redo);
        EqvaeOps.BatchResult r;
        if (op == EqvaeOps.BatchOp.TRANSFORM) {
            r = EqvaeOps.batch(
                    Path.of(input), Path.of(output), op, null, intensity, transform, options, ignore, monitor());
        } else {
            try (OpenModel m = open(model, shipped)) {
                r = EqvaeOps.batch(
                        Path.of(input),
                        Path.of(output),
                        op,
                        m.codec(),
                        intensity,
                        transform,
                        options,
                        ignore,
                        monitor());
            }
        }
        Ij.results(r.rows());
        IJ.log(title() + ": " + r.done() + " done, " + r.skipped() + " skipped, " + r.failed() + " failed; summary in "
                + Path.of(output).resolve(FolderBatch.SUMMARY));
        r.rows().stream()
                .filter(row -> "failed".equals(row.get("status")))
                .forEach(row -> IJ.log(title() + ": failed: " + row.get("error")));
    }
}
