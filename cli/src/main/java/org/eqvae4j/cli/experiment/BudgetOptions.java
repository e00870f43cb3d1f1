package org.eqvae4j.cli.experiment;

import picocli.CommandLine.Option;

/** The generator experiments' compute-budget options (a picocli mixin). */
public final class BudgetOptions {
    @Option(
            names = "--budget",
            description =
                    "Print the compute budget (arms x seeds x steps x measured ms/step) and stop; measures with a "
                            + "short probe run (--probe-steps) when no run has been trained yet.")
    boolean only;

    @Option(
            names = "--probe-steps",
            defaultValue = "20",
            description = "Steps of the budget's probe run (default ${DEFAULT-VALUE}).")
    int probeSteps;
}
