package org.eqvae4j.fiji.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import java.util.List;
import java.util.Map;
import org.eqvae4j.fiji.Ij;
import org.eqvae4j.fiji.Models;
import org.eqvae4j.fiji.Monitor;
import org.eqvae4j.fiji.OpenModel;

/**
 * Base of the macro-recordable ImageJ 1 commands (registered in plugins.config as "EQ-VAE ..."): each
 * reads its options from a GenericDialog (which the macro recorder records, first word of each label as
 * the key, and which a macro's option string fills without showing), then calls {@link org.eqvae4j.fiji.EqvaeOps}.
 * Failures go to {@link Ij#fail}: Log window, a dialog in the GUI, and the running macro is aborted.
 */
abstract class EqvaePlugIn implements PlugIn {

    /** "EQ-VAE Encode", as the command is named in menus and macros. */
    abstract String title();

    /** Runs the command; returns quietly when the user cancels a dialog. */
    abstract void execute() throws Exception;

    @Override
    public final void run(String arg) {
        try {
            execute();
            IJ.showProgress(1.0);
        } catch (Throwable e) {
            Ij.fail(title(), e);
        }
    }

    Monitor monitor() {
        return Ij.monitor(title());
    }

    /** The current image, or an error a macro sees. */
    static ImagePlus currentImage() {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            throw new IllegalArgumentException("no image is open: open an image first");
        }
        return imp;
    }

    /** The dialog's model field: label "Model" (macro key model=...), with the shipped bundles named. */
    static void addModel(GenericDialog gd, List<Models.Shipped> shipped, String preferred) {
        gd.addStringField("Model (name, folder or .zip)", preferred == null ? Ij.defaultModel(shipped) : preferred, 28);
        gd.addMessage(Ij.shippedList(shipped));
    }

    /**
     * A folder or file path field: with a Browse button in the GUI, a plain text field headless (where
     * ImageJ's patched dialog has no file fields). Either way the macro key is the label's first word.
     */
    static void addPathField(GenericDialog gd, String label, String value, boolean folder) {
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            gd.addStringField(label, value, 28);
        } else if (folder) {
            gd.addDirectoryField(label, value, 28);
        } else {
            gd.addFileField(label, value, 28);
        }
    }

    static void addIntensity(GenericDialog gd) {
        gd.addStringField("Intensity (auto, linear, percentile[:low:high])", "auto", 16);
    }

    static void addResultType(GenericDialog gd) {
        gd.addChoice("Result type", org.eqvae4j.fiji.ImagePlusTensors.ResultType.labels(), "same");
    }

    static OpenModel open(String choice, List<Models.Shipped> shipped) throws Exception {
        OpenModel m = OpenModel.open(choice, shipped, Ij.runtimeOptions());
        Ij.rememberModel(choice.trim());
        return m;
    }

    static void results(Map<String, Object> row) {
        Ij.results(List.of(row));
    }
}
