package org.eqvae4j.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peak resident memory (RSS) of this process, from Linux's {@code /proc/self/status} (VmHWM), which
 * counts the Java heap and ONNX Runtime's native memory alike. {@link #reset()} starts a new peak (writing
 * 5 to {@code /proc/self/clear_refs}, Linux 4.0+), so one process can measure several runs in turn.
 * Elsewhere both report that they cannot (-1 / false).
 */
public final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Pattern HWM = Pattern.compile("VmHWM:\\s+(\\d+) kB");

    private PeakMemory() {}

    /** Peak RSS in bytes since the process started or the last successful {@link #reset()}; -1 when unknown. */
    public static long peakBytes() {
        try {
            Matcher m = HWM.matcher(Files.readString(STATUS));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resets the peak to the current RSS; false when this system cannot. */
    public static boolean reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
