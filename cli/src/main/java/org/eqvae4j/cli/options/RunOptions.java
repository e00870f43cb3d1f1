package org.eqvae4j.cli.options;

import java.util.Map;
import org.eqvae4j.training.RunSchedule;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The run flags every trainer command shares (train, train-vq, train-generator, train-maskgit, train-classifier): how
 * long and how fast it trains and how often it checkpoints, the {@link RunSchedule} of the training library. The
 * values a command starts from differ (a DiT takes other steps and rates than an autoencoder fine-tune), so each
 * command names its own in a {@link Defaults} given as its {@code @Command(defaultValueProvider = ...)}; {@code --help}
 * shows them.
 */
public final class RunOptions {
    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    public long steps;

    @Option(
            names = "--batch",
            paramLabel = "N",
            description =
                    "Examples per optimizer step: images, latents or token grids, per micro-batch where steps accumulate (default ${DEFAULT-VALUE}).")
    public int batch;

    @Option(
            names = "--lr",
            paramLabel = "RATE",
            description = "Learning rate after the warm-up (default ${DEFAULT-VALUE}).")
    public float lr;

    @Option(
            names = "--warmup-steps",
            paramLabel = "N",
            description = "Linear learning-rate warm-up steps, 0 = none (default ${DEFAULT-VALUE}).")
    public int warmupSteps;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the initialisation and the data order (default ${DEFAULT-VALUE}).")
    public long seed;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "N",
            description =
                    "Optimizer steps between checkpoints of the run folder; the last step always writes one (default ${DEFAULT-VALUE}).")
    public int checkpointEvery;

    /** These flags as the training library's schedule, with the command's learning-rate decay. */
    public RunSchedule schedule(RunSchedule.Decay decay) {
        return new RunSchedule(steps, batch, lr, warmupSteps, decay, seed, checkpointEvery);
    }

    /** One trainer command's defaults of the run flags, as picocli's default provider (other options keep their own). */
    public abstract static class Defaults implements IDefaultValueProvider {
        private final Map<String, String> values;

        protected Defaults(
                String steps, String batch, String lr, String warmupSteps, String seed, String checkpointEvery) {
            this.values = Map.of(
                    "--steps",
                    steps,
                    "--batch",
                    batch,
                    "--lr",
                    lr,
                    "--warmup-steps",
                    warmupSteps,
                    "--seed",
                    seed,
                    "--checkpoint-every",
                    checkpointEvery);
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o ? values.get(o.longestName()) : null;
        }
    }
}
