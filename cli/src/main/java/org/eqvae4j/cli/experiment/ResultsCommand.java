package org.eqvae4j.cli.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "results", mixinStandardHelpOptions = true,
        description = {"Evaluate several bundles on the same images and write the comparison table (models/RESULTS.md);",
                "with --record, also store each bundle's metrics in its model.json."})
public final class ResultsCommand implements Callable<Integer> {
    @Option(names = {"-m", "--models"}, required = true, split = ",", paramLabel = "BUNDLE", description = "Bundles, in table order.")
    List<Path> models;

    @Option(names = {"-i", "--images"}, required = true, paramLabel = "DIR", description = "Evaluation images.")
    Path images;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Markdown file to write.")
    Path output;

    @Option(names = "--size", defaultValue = "256", description = "Evaluation size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--record", description = "Store each bundle's metrics in its model.json.")
    boolean record;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        StringBuilder md = new StringBuilder("# Measured results\n\n");
        md.append(String.format(Locale.ROOT, "Regenerate with `./eqvae results --models %s --images %s --output %s%s` (%s).%n%n",
                String.join(",", models.stream().map(Path::toString).toList()), images, output, record ? " --record" : "", LocalDate.now()));
        md.append("Images are centre-cropped and area-resized to ").append(size).append("x").append(size)
                .append(". PSNR on 8-bit pixels per image, averaged; equivariance error = mean over images of ")
                .append("||tau(E(x)) - E(tau(x))||^2 / ||E(tau(x))||^2 with E(x) the deterministic latent (posterior mean for KL); ")
                .append("'PSNR tau' compares D(tau(E(x))) with tau(x); rotations {90,180,270}, scales {0.25,0.5,0.75}; ")
                .append("intrinsic dimension by TwoNN over 4x4 latent patches.\n\n");
        md.append("| model | PSNR | SSIM | eq. error rot | eq. error scale | PSNR tau rot | PSNR tau scale | TwoNN ID |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        List<String> perTransform = new ArrayList<>();
        for (Path m : models) {
            ModelBundle bundle = ModelBundle.open(m);
            try (Autoencoder ae = Autoencoder.open(bundle, device.runtimeOptions())) {
                List<FloatTensor> prepared = MetricsCommand.prepare(images, ae.manifest().imageChannels(), size);
                AutoencoderEvaluation.Report r = AutoencoderEvaluation.evaluate(ae, prepared, new ProgressBar(System.err));
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.4f | %.3f | %.3f | %.2f | %.2f | %.1f |%n", bundle.manifest().id(),
                        r.psnr(), r.ssim(), r.meanError(r.rotations()), r.meanError(r.scales()), r.meanPsnr(r.rotations()),
                        r.meanPsnr(r.scales()), r.intrinsicDimension()));
                StringBuilder row = new StringBuilder("| " + bundle.manifest().id());
                for (var t : r.rotations()) {
                    row.append(String.format(Locale.ROOT, " | %.3f / %.2f", t.equivarianceError(), t.psnr()));
                }
                for (var t : r.scales()) {
                    row.append(String.format(Locale.ROOT, " | %.3f / %.2f", t.equivarianceError(), t.psnr()));
                }
                perTransform.add(row.append(" |").toString());
                if (record) {
                    bundle.withMetrics(r.asMap());
                }
                System.out.printf(Locale.ROOT, "%s: PSNR %.2f, eq. error rot %.3f scale %.3f%n", bundle.manifest().id(), r.psnr(),
                        r.meanError(r.rotations()), r.meanError(r.scales()));
            }
        }
        md.append("\nPer transform (equivariance error / PSNR tau in dB):\n\n");
        md.append("| model | rot90 | rot180 | rot270 | scale 0.25 | scale 0.5 | scale 0.75 |\n|---|---|---|---|---|---|---|\n");
        perTransform.forEach(r -> md.append(r).append('\n'));
        String text = md.toString();
        AtomicFiles.write(output, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        System.out.println("wrote " + output);
        return 0;
    }
}
