package org.eqvae4j.cli.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eqvae4j.runtime.bundle.ModelBundle;
import picocli.CommandLine.Option;

/** {@code --arms} and {@code --seeds} of the generator experiments (a picocli mixin). */
public final class ArmsAndSeeds {
    @Option(
            names = "--arms",
            split = ",",
            paramLabel = "LABEL=BUNDLE",
            description = {
                "The arms: autoencoder bundles with a label each (a bare BUNDLE is labelled by its id), the reference",
                "arm first. The issue's design: base=<bundle>,control=<fine-tune with p_eq 0>,eq=<EQ-VAE fine-tune>."
            })
    List<String> arms;

    @Option(
            names = "--seeds",
            split = ",",
            defaultValue = "0,1,2",
            paramLabel = "SEED",
            description = "Training seeds, each arm trained once per seed (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    /** One arm as given. */
    record Labelled(String label, Path bundle) {}

    /** The arms given, or {@code defaults} when --arms was not; each bundle folder must exist. */
    List<Labelled> arms(List<String> defaults) throws IOException {
        List<String> specs = arms == null || arms.isEmpty() ? defaults : arms;
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("--arms is required: LABEL=BUNDLE,LABEL=BUNDLE,...");
        }
        List<Labelled> out = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            Path bundle = Path.of(eq < 0 ? spec : spec.substring(eq + 1));
            if (!Files.isDirectory(bundle)) {
                throw new IllegalArgumentException("--arms " + spec + ": bundle folder " + bundle + " does not exist");
            }
            out.add(new Labelled(eq < 0 ? ModelBundle.open(bundle).manifest().id() : spec.substring(0, eq), bundle));
        }
        return out;
    }
}
