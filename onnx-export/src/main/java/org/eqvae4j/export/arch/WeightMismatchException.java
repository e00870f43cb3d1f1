package org.eqvae4j.export.arch;

import java.util.List;

/** A weight file that does not fit the architecture; the message names every offending tensor. */
public final class WeightMismatchException extends IllegalArgumentException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misshaped;

    public WeightMismatchException(
            String source, List<String> missing, List<String> unexpected, List<String> misshaped) {
        super(message(source, missing, unexpected, misshaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misshaped = List.copyOf(misshaped);
    }

    private static String message(
            String source, List<String> missing, List<String> unexpected, List<String> misshaped) {
        StringBuilder sb = new StringBuilder("weights in " + source + " do not fit the architecture:");
        section(sb, "missing", missing);
        section(sb, "unexpected", unexpected);
        section(sb, "wrong shape", misshaped);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> items) {
        if (!items.isEmpty()) {
            sb.append("\n  ").append(items.size()).append(' ').append(title).append(':');
            for (String s : items) {
                sb.append("\n    ").append(s);
            }
        }
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> misshaped() {
        return misshaped;
    }
}
