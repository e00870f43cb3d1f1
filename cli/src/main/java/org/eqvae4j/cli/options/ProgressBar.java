package org.eqvae4j.cli.options;

import java.io.PrintStream;
import org.eqvae4j.runtime.progress.ProgressListener;

/** Renders progress on stderr: a redrawn bar on a terminal, one line per item otherwise (logs, CI). */
public final class ProgressBar implements ProgressListener {
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();

    public ProgressBar(PrintStream out) {
        this.out = out;
        this.terminal = System.console() != null;
    }

    @Override
    public void progress(int done, int total, String message) {
        double secs = (System.nanoTime() - start) / 1e9;
        String eta = done == 0 ? "--" : String.format("%.0fs", secs / done * (total - done));
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        String bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
        String line = String.format("%s %d/%d  %.1fs  eta %s  %s", bar, done, total, secs, eta, message);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, 20 - message.length())));
            if (done == total) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }
}
