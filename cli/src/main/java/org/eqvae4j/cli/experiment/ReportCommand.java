package org.eqvae4j.cli.experiment;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.training.report.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write a fine-tuning report (Markdown + PNG): metrics of base and fine-tuned bundle, the loss curve,",
            "reconstructions, the paper's Figure 2 view and the latent PCA view."
        })
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, paramLabel = "BUNDLE", description = "Model before fine-tuning.")
    Path base;

    @Option(names = "--tuned", required = true, paramLabel = "BUNDLE", description = "Fine-tuned model.")
    Path tuned;

    @Option(
            names = {"-i", "--images"},
            required = true,
            paramLabel = "DIR",
            description = "Held-out images.")
    Path images;

    @Option(names = "--metrics-csv", paramLabel = "FILE", description = "The run's metrics.csv for the loss curve.")
    Path metricsCsv;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Report folder.")
    Path output;

    @Option(names = "--size", defaultValue = "256", description = "Evaluation size (default ${DEFAULT-VALUE}).")
    int size;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        Path written = TrainingReport.evaluateAndWrite(
                ModelBundle.open(base),
                ModelBundle.open(tuned),
                images,
                metricsCsv,
                output,
                size,
                device.runtimeOptions(),
                false,
                () -> new ProgressBar(System.err),
                System.out,
                System.err);
        System.out.println("report: " + written);
        return 0;
    }
}
