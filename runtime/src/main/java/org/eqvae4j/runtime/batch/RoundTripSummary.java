package org.eqvae4j.runtime.batch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The console table of a {@link RoundTripBatch}: one row per image (size, PSNR, and with a transform the PSNR of
 * D(tau(E(x))) against tau(x)), failures named, the means, and the counts.
 *
 * @param processed       images that round-tripped
 * @param failed          images that failed (named in the table)
 * @param meanPsnr        mean reconstruction PSNR in dB of the processed images (NaN when none)
 * @param meanTransformed mean PSNR of decoded transformed latents in dB (NaN when none)
 */
public record RoundTripSummary(int processed, int failed, double meanPsnr, double meanTransformed) {

    /** Prints the table of {@code items} to {@code out} and returns the counts and means. */
    public static RoundTripSummary print(
            List<RoundTripBatch.Item> items, boolean transformed, Path output, PrintStream out) {
        out.printf(
                "%-40s %10s %10s %s%n", "file", "size", "PSNR dB", transformed ? "PSNR dB D(tau E(x)) vs tau(x)" : "");
        double sum = 0;
        double sumT = 0;
        int ok = 0;
        for (RoundTripBatch.Item it : items) {
            String name = it.input().getFileName().toString();
            if (it.failed()) {
                out.printf("%-40s FAILED: %s%n", name, it.error());
                continue;
            }
            ok++;
            sum += it.psnr();
            sumT += it.transformedPsnr();
            out.printf(
                    Locale.ROOT,
                    "%-40s %10s %10.2f %s%n",
                    name,
                    it.height() + "x" + it.width(),
                    it.psnr(),
                    transformed ? String.format(Locale.ROOT, "%10.2f", it.transformedPsnr()) : "");
        }
        if (ok > 0) {
            out.printf(
                    Locale.ROOT,
                    "%-40s %10s %10.2f %s%n",
                    "mean of " + ok,
                    "",
                    sum / ok,
                    transformed ? String.format(Locale.ROOT, "%10.2f", sumT / ok) : "");
        }
        int failed = items.size() - ok;
        out.printf("%d processed, %d failed; results in %s%n", ok, failed, output);
        return new RoundTripSummary(
                ok, failed, ok > 0 ? sum / ok : Double.NaN, ok > 0 && transformed ? sumT / ok : Double.NaN);
    }
}
