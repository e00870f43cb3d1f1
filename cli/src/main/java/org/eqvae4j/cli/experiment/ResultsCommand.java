package org.eqvae4j.cli.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.ResultsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "results",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate several bundles on the same images and write the comparison table (models/RESULTS.md);",
            "each bundle's plain and centred equivariance errors and their relative reduction against a",
            "baseline bundle; with --record, also store each bundle's metrics in its model.json."
        })
public final class ResultsCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--models"},
            required = true,
            split = ",",
            paramLabel = "BUNDLE",
            description = "Bundles, in table order.")
    List<Path> models;

    @Option(
            names = {"-i", "--images"},
            required = true,
            paramLabel = "DIR",
            description = "Evaluation images.")
    Path images;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "Markdown file to write.")
    Path output;

    @Option(names = "--size", defaultValue = "256", description = "Evaluation size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--baseline",
            paramLabel = "BUNDLE",
            description = {
                "One of --models: the table also gives each other bundle's relative reduction of the plain and",
                "centred equivariance errors against it (default: models/taef2 when it is one of --models)."
            })
    Path baseline;

    @Option(
            names = "--pairs",
            split = ",",
            paramLabel = "MODEL=REFERENCE",
            description = {
                "Also compare these bundles (by id) image by image: the mean per-image difference of each measure",
                "with a 95% bootstrap interval over the images, e.g. eq-taef2=ft-taef2 (every bundle is compared",
                "with the baseline that way too)."
            })
    List<String> pairs = List.of();

    @Option(names = "--record", description = "Store each bundle's metrics in its model.json.")
    boolean record;

    @Mixin
    DeviceOptions device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path against = baseline != null ? baseline : defaultBaseline(models);
        String regenerate = String.format(
                "./eqvae results --models %s --images %s --output %s%s%s%s",
                String.join(",", models.stream().map(Path::toString).toList()),
                images,
                output,
                baseline != null ? " --baseline " + baseline : "",
                pairs.isEmpty() ? "" : " --pairs " + String.join(",", pairs),
                record ? " --record" : "");
        List<ResultsTable.Pair> parsed;
        try {
            parsed = pairs.stream().map(ResultsTable.Pair::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--pairs: " + e.getMessage());
        }
        String text = ResultsTable.evaluate(
                models,
                against,
                parsed,
                images,
                size,
                record,
                regenerate,
                device.runtimeOptions(),
                () -> new ProgressBar(System.err),
                System.out,
                System.err);
        AtomicFiles.write(output, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        System.out.println("wrote " + output);
        return 0;
    }

    /** models/taef2 when it is one of the models (the project's reference autoencoder), else none. */
    static Path defaultBaseline(List<Path> models) {
        Path taef2 = Path.of("models", "taef2").toAbsolutePath().normalize();
        return models.stream()
                .filter(m -> m.toAbsolutePath().normalize().equals(taef2))
                .findFirst()
                .orElse(null);
    }
}
