package org.eqvae4j.runtime.ort;

/**
 * The execution provider asked for and the one the sessions got.
 *
 * @param requested      what {@link RuntimeOptions#provider()} asked for
 * @param used           where the sessions run
 * @param fallbackReason why {@code used} differs from {@code requested}; null when it does not
 */
public record ProviderChoice(ExecutionProvider requested, ExecutionProvider used, String fallbackReason) {

    static ProviderChoice asRequested(ExecutionProvider p) {
        return new ProviderChoice(p, p, null);
    }

    static ProviderChoice cpuInstead(ExecutionProvider requested, String reason) {
        return new ProviderChoice(requested, ExecutionProvider.CPU, reason);
    }

    /** True when the requested provider could not be used and the CPU runs instead. */
    public boolean fellBack() {
        return requested != used;
    }

    /** The one-line warning for a fallback, e.g. "CUDA was requested, but ...; running on the CPU". */
    public String warning() {
        return fellBack() ? requested.name() + " was requested, but " + fallbackReason + "; running on the CPU" : "";
    }
}
