package org.eqvae4j.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --run}: the run folder of the training commands, which resume from it (a mixin). */
public final class RunFolderOption {
    @Option(
            names = {"-r", "--run"},
            required = true,
            paramLabel = "DIR",
            description =
                    "Run folder (created, or resumed from its last good checkpoint after any interruption; locked by run.lock while training).")
    public Path run;
}
