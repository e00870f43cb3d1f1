package org.eqvae4j.cli;

import org.eqvae4j.cli.experiment.BenchInferCommand;
import org.eqvae4j.cli.experiment.BenchTrainCommand;
import org.eqvae4j.cli.experiment.ExperimentGeneratorsCommand;
import org.eqvae4j.cli.experiment.ExperimentVqCommand;
import org.eqvae4j.cli.experiment.MetricsCommand;
import org.eqvae4j.cli.experiment.ReportCommand;
import org.eqvae4j.cli.experiment.ResultsCommand;
import org.eqvae4j.cli.infer.BatchCommand;
import org.eqvae4j.cli.infer.DecodeCommand;
import org.eqvae4j.cli.infer.DemoCommand;
import org.eqvae4j.cli.infer.EncodeCommand;
import org.eqvae4j.cli.infer.RoundTripCommand;
import org.eqvae4j.cli.infer.SampleCommand;
import org.eqvae4j.cli.infer.TransformCommand;
import org.eqvae4j.cli.tools.ArtifactsCommand;
import org.eqvae4j.cli.tools.ExportBioimageioCommand;
import org.eqvae4j.cli.tools.ExportCommand;
import org.eqvae4j.cli.tools.FijiInstallCommand;
import org.eqvae4j.cli.tools.FijiUpdateSiteCommand;
import org.eqvae4j.cli.tools.InfoCommand;
import org.eqvae4j.cli.train.SnapshotCommand;
import org.eqvae4j.cli.train.TrainClassifierCommand;
import org.eqvae4j.cli.train.TrainCommand;
import org.eqvae4j.cli.train.TrainGeneratorCommand;
import org.eqvae4j.cli.train.TrainMaskGitCommand;
import org.eqvae4j.cli.train.TrainVqCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eqvae} command line: one entry point, one subcommand per task. */
@Command(
        name = "eqvae",
        mixinStandardHelpOptions = true,
        versionProvider = EqvaeCli.Version.class,
        description = "Equivariance-regularised latent spaces (EQ-VAE) on ONNX Runtime.",
        subcommands = {
            DemoCommand.class,
            ExportCommand.class,
            EncodeCommand.class,
            DecodeCommand.class,
            TransformCommand.class,
            RoundTripCommand.class,
            SampleCommand.class,
            BatchCommand.class,
            InfoCommand.class,
            MetricsCommand.class,
            TrainCommand.class,
            SnapshotCommand.class,
            TrainGeneratorCommand.class,
            ExperimentGeneratorsCommand.class,
            ArtifactsCommand.class,
            BenchTrainCommand.class,
            BenchInferCommand.class,
            ReportCommand.class,
            ResultsCommand.class,
            TrainClassifierCommand.class,
            FijiInstallCommand.class,
            FijiUpdateSiteCommand.class,
            ExportBioimageioCommand.class,
            TrainVqCommand.class,
            TrainMaskGitCommand.class,
            ExperimentVqCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "On Apache Spark (the ./eqvae launcher starts these in their own JVM with Spark's jars):",
            "  spark        encode, decode or round-trip a folder tree on Spark (./eqvae spark --help)",
            "  bench-spark  images/s of batch -j 2 against Spark local[1] and local[2]",
            "",
            "Exit codes: 0 success, 1 some inputs failed (others were processed), 2 usage error, 3 error."
        })
public final class EqvaeCli implements Runnable {
    public static final int SOME_FAILED = 1;
    public static final int ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EqvaeCli());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> report(ex, cmd));
        cl.setExecutionStrategy(parse -> {
            CommandLine cmd = leaf(parse).commandSpec().commandLine();
            try {
                OutputOptions.refuseInputsAsOutputs(leaf(parse).commandSpec());
                return new CommandLine.RunLast().execute(parse);
            } catch (CommandLine.ExecutionException | CommandLine.ParameterException e) {
                throw e;
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                // picocli passes Errors through; they end here, like every exception, as one line and exit 3
                return report(e, cmd);
            }
        });
        return cl;
    }

    /**
     * The one error handler: one line naming what went wrong (the message names the file or parameter),
     * exit code 3; stack traces only with EQVAE_DEBUG set.
     */
    static int report(Throwable ex, CommandLine cmd) {
        cmd.getErr().println("error: " + ErrorMessages.describe(ex));
        if (System.getenv("EQVAE_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return ERROR;
    }

    private static CommandLine.ParseResult leaf(CommandLine.ParseResult parse) {
        CommandLine.ParseResult p = parse;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EqvaeCli.class.getPackage().getImplementationVersion();
            return new String[] {"eqvae " + (v == null ? "dev" : v)};
        }
    }
}
