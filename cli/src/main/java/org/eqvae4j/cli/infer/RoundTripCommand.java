package org.eqvae4j.cli.infer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.EqvaeCli;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.batch.RoundTripBatch;
import org.eqvae4j.runtime.batch.RoundTripSummary;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.TransformSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "roundtrip",
        mixinStandardHelpOptions = true,
        description = {
            "Encode and decode images (a file or a folder tree) and report PSNR.",
            "With --transform, also decode the transformed latent, D(tau(E(x))), and compare it with tau(x)",
            "(the EQ-VAE paper's Figure 2). Writes PNGs mirroring the input tree and summary.csv."
        })
public final class RoundTripCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle folder.")
    Path model;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "PATH",
            description = "Image file or folder.")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Output folder (not inside the input).")
    Path output;

    @Option(
            names = {"-t", "--transform"},
            paramLabel = "SPEC",
            description =
                    "Latent transform, e.g. scale=0.5,rot=1 (steps: scale=S|SYxSX, rot=K, flip=h|v, crop=y:x:h:w, interp=bilinear|bicubic|nearest).")
    String transform;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        LatentTransform tau = transform == null ? null : TransformSpec.parse(transform);
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(model), device.runtimeOptions())) {
            List<RoundTripBatch.Item> items = RoundTripBatch.run(ae, input, output, tau, new ProgressBar(System.err));
            return RoundTripSummary.print(items, tau != null, output, System.out)
                                    .failed()
                            == 0
                    ? 0
                    : EqvaeCli.SOME_FAILED;
        }
    }
}
