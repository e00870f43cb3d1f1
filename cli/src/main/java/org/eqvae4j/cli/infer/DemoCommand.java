package org.eqvae4j.cli.infer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.EqvaeCli;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.bundle.BundleAgreement;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.runtime.batch.RoundTripBatch;
import org.eqvae4j.runtime.batch.RoundTripSummary;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The main job on the shipped files: export TAEF2 from its published weights",
            "(models/sources/taef2) to a bundle, check it against the shipped bundle (models/taef2),",
            "and round-trip the bundled test images with and without the EQ-VAE transform (scale 0.5, rot90)."
        })
public final class DemoCommand implements Callable<Integer> {
    @Option(
            names = {"-o", "--output"},
            defaultValue = "out/demo",
            paramLabel = "DIR",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            defaultValue = "${sys:eqvae.home:-.}",
            description = "Repository folder holding models/ and test-images/ (default: the launcher's folder).")
    Path home;

    @Override
    public Integer call() throws Exception {
        Path sources = home.resolve("models/sources/taef2");
        Path shipped = home.resolve("models/taef2");
        Path images = home.resolve("test-images/photos");
        Path bundleDir = output.resolve("taef2-bundle");

        System.out.println("1. export TAEF2 from " + sources);
        ModelBundle exported = BundleExporter.export(
                new BundleExporter.Request(
                        Architectures.standard().get("taef2"),
                        BundleExporter.readWeights(
                                List.of(),
                                sources.resolve("taef2_encoder.safetensors"),
                                sources.resolve("taef2_decoder.safetensors")),
                        0,
                        "taef2_encoder.safetensors + taef2_decoder.safetensors",
                        "taef2",
                        "TAEF2 tiny autoencoder (FLUX.2 latents)",
                        "MIT",
                        sources.resolve("LICENSE"),
                        256,
                        32),
                bundleDir,
                true);
        System.out.println("   wrote " + exported.root());

        try (Autoencoder fresh = Autoencoder.open(exported);
                Autoencoder ship = Autoencoder.open(ModelBundle.open(shipped))) {
            Path first = ImageFolder.list(images).get(0);
            FloatTensor x = LatentTransform.cropToMultiple(ImageFiles.toChannels(ImageFiles.read(first), 3), 8);
            double diff = BundleAgreement.maxAbsDiff(fresh.encode(x), ship.encode(x));
            System.out.printf(
                    "2. shipped bundle %s vs fresh export on %s: max |latent difference| = %.2e%n",
                    shipped, first.getFileName(), diff);
            if (diff > 1e-4) {
                System.out.println("   WARNING: the shipped bundle differs from a fresh export");
            }

            System.out.println("3. round trip of " + images + " (scale=0.5,rot=1)");
            List<RoundTripBatch.Item> items = RoundTripBatch.run(
                    fresh,
                    images,
                    output.resolve("roundtrip"),
                    LatentTransform.scaleThenRotate(0.5, 1),
                    new ProgressBar(System.err));
            int rc = exitCode(RoundTripSummary.print(items, true, output.resolve("roundtrip"), System.out));
            System.out.println("Latents of the baseline model are not equivariant: compare the two PSNR columns.");
            Path eq = home.resolve("models/eq-taef2");
            if (Files.isDirectory(eq)) {
                System.out.println("4. the same with the EQ-VAE fine-tuned TAEF2 (" + eq + ")");
                try (Autoencoder tuned = Autoencoder.open(ModelBundle.open(eq))) {
                    List<RoundTripBatch.Item> eqItems = RoundTripBatch.run(
                            tuned,
                            images,
                            output.resolve("roundtrip-eq-taef2"),
                            LatentTransform.scaleThenRotate(0.5, 1),
                            new ProgressBar(System.err));
                    rc = Math.max(
                            rc,
                            exitCode(RoundTripSummary.print(
                                    eqItems, true, output.resolve("roundtrip-eq-taef2"), System.out)));
                }
                System.out.println(
                        "Fine-tuning raises the PSNR of decoded transformed latents (last column); models/RESULTS.md has the full measures.");
            }
            return Files.exists(output.resolve("roundtrip/summary.csv")) ? rc : EqvaeCli.ERROR;
        }
    }

    private static int exitCode(RoundTripSummary s) {
        return s.failed() == 0 ? 0 : EqvaeCli.SOME_FAILED;
    }
}
