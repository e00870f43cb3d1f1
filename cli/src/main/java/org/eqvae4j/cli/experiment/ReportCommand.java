package org.eqvae4j.cli.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.training.report.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a fine-tuning report (Markdown + PNG): metrics of base and fine-tuned bundle, the loss curve,",
                "reconstructions, the paper's Figure 2 view and the latent PCA view."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, paramLabel = "BUNDLE", description = "Model before fine-tuning.")
    Path base;

    @Option(names = "--tuned", required = true, paramLabel = "BUNDLE", description = "Fine-tuned model.")
    Path tuned;

    @Option(names = {"-i", "--images"}, required = true, paramLabel = "DIR", description = "Held-out images.")
    Path images;

    @Option(names = "--metrics-csv", paramLabel = "FILE", description = "The run's metrics.csv for the loss curve.")
    Path metricsCsv;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Report folder.")
    Path output;

    @Option(names = "--size", defaultValue = "256", description = "Evaluation size (default ${DEFAULT-VALUE}).")
    int size;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        System.out.println("report: " + write(ModelBundle.open(base), ModelBundle.open(tuned), images, metricsCsv, output, size, device.runtimeOptions(), false));
        return 0;
    }

    /** Evaluates both bundles, writes the report and, with {@code record}, the tuned bundle's metrics. */
    public static Path write(ModelBundle baseBundle, ModelBundle tunedBundle, Path images, Path metricsCsv, Path output, int size,
                      RuntimeOptions runtime, boolean record) throws Exception {
        try (Autoencoder b = Autoencoder.open(baseBundle, runtime); Autoencoder t = Autoencoder.open(tunedBundle, runtime)) {
            List<FloatTensor> prepared = MetricsCommand.prepare(images, t.manifest().imageChannels(), size);
            AutoencoderEvaluation.Report before = AutoencoderEvaluation.evaluate(b, prepared, new ProgressBar(System.err));
            AutoencoderEvaluation.Report after = AutoencoderEvaluation.evaluate(t, prepared, new ProgressBar(System.err));
            MetricsCommand.print(b.manifest().id(), before);
            MetricsCommand.print(t.manifest().id(), after);
            if (record) {
                tunedBundle.withMetrics(after.asMap());
            }
            return TrainingReport.write(output, metricsCsv, b, t, prepared, before, after);
        }
    }
}
