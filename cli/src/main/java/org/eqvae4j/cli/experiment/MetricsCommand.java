package org.eqvae4j.cli.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"Measure an autoencoder as the EQ-VAE paper does: PSNR, SSIM, equivariance error and",
                "PSNR of decoded transformed latents for rotations {90,180,270} and scales {0.25,0.5,0.75},",
                "and the TwoNN intrinsic dimension of latents. Images are centre-cropped and resized to --size."})
public final class MetricsCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "BUNDLE", description = "Model bundle folder.")
    Path model;

    @Option(names = {"-i", "--images"}, required = true, paramLabel = "DIR", description = "Evaluation images (file or folder).")
    Path images;

    @Option(names = "--size", defaultValue = "256", description = "Evaluation size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Also write the metrics as JSON to this file.")
    Path output;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(model), device.runtimeOptions())) {
            List<FloatTensor> prepared = prepare(images, ae.manifest().imageChannels(), size);
            AutoencoderEvaluation.Report r = AutoencoderEvaluation.evaluate(ae, prepared, new ProgressBar(System.err));
            print(ae.manifest().id(), r);
            if (output != null) {
                String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.asMap());
                AtomicFiles.write(output, out -> out.write((json + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                System.out.println("wrote " + output);
            }
            return 0;
        }
    }

    /** Reads and prepares (centre crop, resize) every image; unreadable files are reported on stderr and skipped. */
    static List<FloatTensor> prepare(Path images, int channels, int size) throws java.io.IOException {
        List<FloatTensor> prepared = new ArrayList<>();
        for (Path f : ImageFolder.list(images)) {
            try {
                prepared.add(AutoencoderEvaluation.prepare(ImageFiles.toChannels(ImageFiles.read(f), channels), size));
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("skipped " + f.getFileName() + ": " + e.getMessage());
            }
        }
        if (prepared.isEmpty()) {
            throw new IllegalArgumentException("no readable images in " + images);
        }
        return prepared;
    }

    static void print(String id, AutoencoderEvaluation.Report r) {
        System.out.printf(Locale.ROOT, "model %s, %d images at %dx%d; E(x) = deterministic latent (posterior mean for KL)%n",
                id, r.images(), r.size(), r.size());
        System.out.printf(Locale.ROOT, "reconstruction   PSNR %.2f dB   SSIM %.4f%n", r.psnr(), r.ssim());
        System.out.printf(Locale.ROOT, "%-12s %12s %28s%n", "transform", "eq. error", "PSNR D(tau E(x)) vs tau(x)");
        for (var group : List.of(r.rotations(), r.scales())) {
            for (AutoencoderEvaluation.TransformResult t : group) {
                System.out.printf(Locale.ROOT, "%-12s %12.4f %25.2f dB%n", t.name(), t.equivarianceError(), t.psnr());
            }
        }
        System.out.printf(Locale.ROOT, "%-12s %12.4f %25.2f dB%n", "rotations", r.meanError(r.rotations()), r.meanPsnr(r.rotations()));
        System.out.printf(Locale.ROOT, "%-12s %12.4f %25.2f dB%n", "scales", r.meanError(r.scales()), r.meanPsnr(r.scales()));
        System.out.printf(Locale.ROOT, "intrinsic dimension (TwoNN, %dx%d latent patches): %.1f%n",
                AutoencoderEvaluation.PATCH, AutoencoderEvaluation.PATCH, r.intrinsicDimension());
    }
}
