package org.eqvae4j.cli.infer;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.EqvaeCli;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.batch.RoundTripBatch;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.TransformSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "roundtrip", mixinStandardHelpOptions = true,
        description = {"Encode and decode images (a file or a folder tree) and report PSNR.",
                "With --transform, also decode the transformed latent, D(tau(E(x))), and compare it with tau(x)",
                "(the EQ-VAE paper's Figure 2). Writes PNGs mirroring the input tree and summary.csv."})
public final class RoundTripCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "BUNDLE", description = "Model bundle folder.")
    Path model;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "PATH", description = "Image file or folder.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output folder (not inside the input).")
    Path output;

    @Option(names = {"-t", "--transform"}, paramLabel = "SPEC",
            description = "Latent transform, e.g. scale=0.5,rot=1 (steps: scale=S|SYxSX, rot=K, flip=h|v, crop=y:x:h:w, interp=bilinear|bicubic|nearest).")
    String transform;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        LatentTransform tau = transform == null ? null : TransformSpec.parse(transform);
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(model), device.runtimeOptions())) {
            List<RoundTripBatch.Item> items = RoundTripBatch.run(ae, input, output, tau, new ProgressBar(System.err));
            return report(items, tau != null, output);
        }
    }

    static int report(List<RoundTripBatch.Item> items, boolean transformed, Path output) {
        System.out.printf("%-40s %10s %10s %s%n", "file", "size", "PSNR dB", transformed ? "PSNR dB D(tau E(x)) vs tau(x)" : "");
        double sum = 0;
        double sumT = 0;
        int ok = 0;
        for (RoundTripBatch.Item it : items) {
            String name = it.input().getFileName().toString();
            if (it.failed()) {
                System.out.printf("%-40s FAILED: %s%n", name, it.error());
                continue;
            }
            ok++;
            sum += it.psnr();
            sumT += it.transformedPsnr();
            System.out.printf(Locale.ROOT, "%-40s %10s %10.2f %s%n", name, it.height() + "x" + it.width(), it.psnr(),
                    transformed ? String.format(Locale.ROOT, "%10.2f", it.transformedPsnr()) : "");
        }
        if (ok > 0) {
            System.out.printf(Locale.ROOT, "%-40s %10s %10.2f %s%n", "mean of " + ok, "", sum / ok,
                    transformed ? String.format(Locale.ROOT, "%10.2f", sumT / ok) : "");
        }
        int failed = items.size() - ok;
        System.out.printf("%d processed, %d failed; results in %s%n", ok, failed, output);
        return failed == 0 ? 0 : EqvaeCli.SOME_FAILED;
    }
}
