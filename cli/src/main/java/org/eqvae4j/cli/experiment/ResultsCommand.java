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
            "with --record, also store each bundle's metrics in its model.json."
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

    @Option(names = "--record", description = "Store each bundle's metrics in its model.json.")
    boolean record;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        String regenerate = String.format(
                "./eqvae results --models %s --images %s --output %s%s",
                String.join(",", models.stream().map(Path::toString).toList()),
                images,
                output,
                record ? " --record" : "");
        String text = ResultsTable.evaluate(
                models,
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
}
