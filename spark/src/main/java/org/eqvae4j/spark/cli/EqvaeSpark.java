package org.eqvae4j.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark commands of {@code eqvae} ({@code spark}, {@code bench-spark}): a separate entry point with its own
 * classpath (Spark's jars, Jackson at Spark's version), which the {@code ./eqvae} launcher starts for these two
 * commands, and the main class of the job jar for {@code spark-submit}.
 */
@Command(
        name = "eqvae",
        mixinStandardHelpOptions = true,
        description = "eqvae on Apache Spark.",
        subcommands = {SparkCommand.class, BenchSparkCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 some inputs failed (others were processed), 2 usage error, 3 error."})
public final class EqvaeSpark implements Runnable {
    static final int SOME_FAILED = 1;
    static final int ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EqvaeSpark());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("EQVAE_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return ERROR;
        });
        return cl;
    }

    /** {@code spark-submit ... job.jar --input ...} without a command name runs {@code spark}. */
    public static void main(String[] args) {
        boolean named = args.length > 0
                && (args[0].equals("spark")
                        || args[0].equals("bench-spark")
                        || args[0].equals("help")
                        || args[0].startsWith("-h")
                        || args[0].equals("--help")
                        || args[0].equals("-V")
                        || args[0].equals("--version"));
        String[] full = args;
        if (!named) {
            full = new String[args.length + 1];
            full[0] = "spark";
            System.arraycopy(args, 0, full, 1, args.length);
        }
        int code = commandLine().execute(full);
        System.exit(code);
    }
}
