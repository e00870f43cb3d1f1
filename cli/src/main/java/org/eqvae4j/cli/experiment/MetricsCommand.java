package org.eqvae4j.cli.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.metrics.EvaluationImages;
import org.eqvae4j.runtime.metrics.EvaluationText;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description = {
            "Measure an autoencoder as the EQ-VAE paper does: PSNR, SSIM, equivariance error and",
            "PSNR of decoded transformed latents for rotations {90,180,270} and scales {0.25,0.5,0.75},",
            "the centred equivariance error (each latent's per-channel mean removed), and the TwoNN",
            "intrinsic dimension of latents. Images are centre-cropped and resized to --size."
        })
public final class MetricsCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle folder.")
    Path model;

    @Option(
            names = {"-i", "--images"},
            required = true,
            paramLabel = "DIR",
            description = "Evaluation images (file or folder).")
    Path images;

    @Option(
            names = "--size",
            defaultValue = "256",
            description = "Evaluation size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Also write the metrics as JSON to this file.")
    Path output;

    @Option(
            names = "--baseline",
            paramLabel = "BUNDLE",
            description = {
                "Also evaluate this bundle on the same images and report the model's relative reduction of",
                "the plain and centred equivariance errors against it (e.g. models/taef2)."
            })
    Path baseline;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(model), device.runtimeOptions())) {
            List<FloatTensor> prepared =
                    EvaluationImages.prepare(images, ae.manifest().imageChannels(), size, System.err);
            AutoencoderEvaluation.Report r = AutoencoderEvaluation.evaluate(ae, prepared, new ProgressBar(System.err));
            System.out.print(EvaluationText.of(ae.manifest().id(), r));
            Map<String, Object> metrics = new LinkedHashMap<>(r.asMap());
            if (baseline != null) {
                try (Autoencoder base = Autoencoder.open(ModelBundle.open(baseline), device.runtimeOptions())) {
                    if (base.manifest().imageChannels() != ae.manifest().imageChannels()) {
                        throw new IllegalArgumentException("--baseline " + baseline + " takes "
                                + base.manifest().imageChannels() + "-channel images, --model " + model + " takes "
                                + ae.manifest().imageChannels());
                    }
                    AutoencoderEvaluation.Report b =
                            AutoencoderEvaluation.evaluate(base, prepared, new ProgressBar(System.err));
                    System.out.print(EvaluationText.reductions(base.manifest().id(), b, r));
                    metrics.putAll(r.reductionsAgainst(base.manifest().id(), b));
                }
            }
            if (output != null) {
                String json =
                        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(metrics);
                AtomicFiles.write(output, out -> out.write((json + "\n").getBytes(StandardCharsets.UTF_8)));
                System.out.println("wrote " + output);
            }
            return 0;
        }
    }
}
