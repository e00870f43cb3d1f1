package org.eqvae4j.fiji;

import ij.IJ;
import ij.Prefs;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.plugin.filter.Analyzer;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.eqvae4j.runtime.ort.RuntimeOptions;

/**
 * What the ImageJ side of every command shares: the model choice (remembered in IJ_Prefs), progress in
 * the status bar with Esc to cancel, results in the Results table (readable by macros with getResult /
 * getResultString), and errors shown to the user and made visible to macros.
 */
public final class Ij {
    /** IJ_Prefs key of the last model chosen. */
    public static final String MODEL_PREF = "eqvae.model";
    /** The table Model Info writes (key / value rows). */
    public static final String INFO_TABLE = "EQ-VAE Model Info";

    private Ij() {}

    /** Shipped bundles: eqvae.home/models, Fiji.app/models/eqvae4j, the eqvae.models folder. */
    public static List<Models.Shipped> shipped() {
        String dir = IJ.getDirectory("imagej");
        return Models.shipped(Models.searchFolders(dir == null ? null : Path.of(dir)));
    }

    /**
     * Where Install Model... puts bundles: the {@code eqvae.models} folder when that property is set, else
     * Fiji.app/models/eqvae4j. Both are among the folders the commands search.
     */
    public static Path installFolder() {
        String extra = System.getProperty(Models.MODELS_PROPERTY);
        if (extra != null && !extra.isBlank()) {
            return Path.of(extra);
        }
        String dir = IJ.getDirectory("imagej");
        if (dir == null) {
            throw new IllegalStateException("ImageJ's folder is unknown, so there is no Fiji.app/" + Models.FIJI_MODELS
                    + " to install into; set -D" + Models.MODELS_PROPERTY + "=FOLDER");
        }
        return Path.of(dir).resolve(Models.FIJI_MODELS);
    }

    /** ONNX Runtime on ImageJ's thread setting (Edit > Options > Memory &amp; Threads, "Parallel threads"). */
    public static RuntimeOptions runtimeOptions() {
        return RuntimeOptions.threads(Math.max(1, Prefs.getThreads()));
    }

    /** The last model chosen, else taef2 when shipped, else the first shipped bundle, else "". */
    public static String defaultModel(List<Models.Shipped> shipped) {
        String last = Prefs.get(MODEL_PREF, "");
        if (!last.isBlank()) {
            return last;
        }
        return shipped.stream()
                .map(Models.Shipped::name)
                .filter("taef2"::equals)
                .findFirst()
                .orElse(shipped.isEmpty() ? "" : shipped.get(0).name());
    }

    public static void rememberModel(String choice) {
        Prefs.set(MODEL_PREF, choice);
    }

    /** "shipped: a, b, c" for dialogs. */
    public static String shippedList(List<Models.Shipped> shipped) {
        return shipped.isEmpty()
                ? "no shipped bundles found (give a bundle folder or .zip)"
                : "shipped: "
                        + String.join(
                                ", ", shipped.stream().map(Models.Shipped::name).toList());
    }

    /** Status bar progress; Esc (or an interrupted thread) cancels. */
    public static Monitor monitor(String title) {
        IJ.resetEscape();
        return new Monitor() {
            @Override
            public void progress(int done, int total, String message) {
                IJ.showStatus(title + ": " + message);
                IJ.showProgress(done, total);
            }

            @Override
            public boolean cancelled() {
                return IJ.escapePressed() || Thread.currentThread().isInterrupted();
            }
        };
    }

    /** Appends rows to the Results table and shows it. */
    public static void results(List<Map<String, Object>> rows) {
        ResultsTable rt = Analyzer.getResultsTable();
        rt.setNaNEmptyCells(true); // rows of other commands leave their columns empty, not 0
        for (Map<String, Object> row : rows) {
            rt.incrementCounter();
            for (String h : rt.getHeadings()) {
                if (!row.containsKey(h) && rt.columnExists(h)) {
                    rt.addValue(h, Double.NaN);
                }
            }
            row.forEach((k, v) -> {
                if (v instanceof Number n) {
                    rt.addValue(k, n.doubleValue());
                } else {
                    rt.addValue(k, String.valueOf(v));
                }
            });
        }
        rt.show("Results");
    }

    /**
     * A key / value table of a bundle's description; headless (where ImageJ keeps no tables but the
     * Results) its lines also go to the log.
     */
    public static void infoTable(Map<String, Object> info) {
        if (GraphicsEnvironment.isHeadless()) {
            info.forEach((k, v) -> IJ.log(k + ": " + v));
        }
        ResultsTable rt = new ResultsTable();
        info.forEach((k, v) -> {
            rt.incrementCounter();
            rt.addValue("key", k);
            rt.addValue("value", String.valueOf(v));
        });
        rt.show(INFO_TABLE);
    }

    /**
     * Reports a failure: always in the Log window (headless: standard output), which macros and batch
     * runs can read; in a GUI also as an error dialog. A running macro is then aborted, so no later
     * line works on a missing result.
     */
    public static void fail(String title, Throwable e) {
        String msg = message(e);
        boolean cancelled = e instanceof CancellationException;
        IJ.log(title + (cancelled ? ": " : " error: ") + msg);
        IJ.showStatus(title + (cancelled ? ": cancelled" : ": failed"));
        IJ.showProgress(1.0);
        if (!cancelled && !GraphicsEnvironment.isHeadless() && !Interpreter.isBatchMode()) {
            IJ.error(title, msg);
        }
        if (IJ.isMacro() || Interpreter.getInstance() != null) {
            Interpreter.abort();
        }
    }

    /** The message a user needs: the exception's own, else its type, with the cause when it says more. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        if (e instanceof OutOfMemoryError) {
            m = "out of memory (" + m + "); raise Edit > Options > Memory & Threads, or use a smaller image";
        } else if (e instanceof LinkageError) { // a library in Fiji.app/jars older than the plugin needs
            m = e.getClass().getSimpleName() + ": " + m
                    + " (is an older version of a library in Fiji.app/jars? see eqvae fiji-install)";
        }
        return m;
    }
}
