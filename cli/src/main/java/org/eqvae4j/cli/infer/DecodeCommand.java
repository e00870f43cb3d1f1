package org.eqvae4j.cli.infer;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ModelOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.batch.DecodeOperation;
import org.eqvae4j.runtime.model.Autoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        description = {
            "Decode a latent file into an image like the one encoded.",
            "Grey stays grey, 16-bit intensities come back in their units, the pixel size is kept. A latent from",
            "another bundle is refused (its latent space differs) unless --ignore-bundle-id."
        })
public final class DecodeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "FILE",
            description = "Latent file (*.latent.tif).")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "IMAGE",
            description = "Image to write: .png (8 or 16-bit, one page) or .tif (any bit depth, stacks).")
    Path output;

    @Option(
            names = "--ignore-bundle-id",
            description = "Decode a latent made by another bundle with the same channel count.")
    boolean ignoreBundleId;

    @Override
    public Integer call() throws Exception {
        try (Autoencoder ae = model.open()) {
            DecodeOperation.Result r = new DecodeOperation(
                            model.codec(ae).withProgress(new ProgressBar(System.err)), ignoreBundleId)
                    .decodeFile(input, output);
            System.out.printf("wrote %s: %d page(s) of %dx%d%n", output, r.pages(), r.height(), r.width());
            return 0;
        }
    }
}
