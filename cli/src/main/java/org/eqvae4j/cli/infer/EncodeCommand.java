package org.eqvae4j.cli.infer;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.ModelOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.model.Autoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "encode",
        mixinStandardHelpOptions = true,
        description = {
            "Encode an image into a latent file (float32 TIFF, see README).",
            "Every page of a TIFF stack is encoded; the latent records the bundle id, its shape and the image's",
            "metadata (bit depth, intensity scaling, pixel size). Folders: eqvae batch --op encode."
        })
public final class EncodeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "IMAGE",
            description = "Image file (PNG, JPEG, TIFF, BMP, GIF, PNM).")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "Latent file to write, e.g. cell.latent.tif.")
    Path output;

    @Option(
            names = "--intensity",
            defaultValue = "linear",
            paramLabel = "MAP",
            description = {
                "linear (8-bit /255, 16-bit /65535, float as is) or percentile[:LOW:HIGH] (default 1:99.8),",
                "recorded in the latent so decoding restores the intensities. Default ${DEFAULT-VALUE}."
            })
    String intensity;

    @Override
    public Integer call() throws Exception {
        IntensityMapping mapping = IntensityMapping.parse(intensity);
        try (Autoencoder ae = model.open()) {
            EncodeOperation.Result r = new EncodeOperation(
                            model.codec(ae).withProgress(new ProgressBar(System.err)), mapping)
                    .encodeFile(input, output);
            System.out.printf(
                    "wrote %s: latent %s from %d page(s) of %dx%d%n",
                    output, r.latentShape(), r.pages(), r.height(), r.width());
            return 0;
        }
    }
}
