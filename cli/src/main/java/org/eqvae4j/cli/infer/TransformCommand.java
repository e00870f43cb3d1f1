package org.eqvae4j.cli.infer;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.runtime.batch.TransformOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "transform",
        mixinStandardHelpOptions = true,
        description = {
            "Apply a latent transform to a latent file (no model needed).",
            "The result records the transform and the pixel size its decoded image will have."
        })
public final class TransformCommand implements Callable<Integer> {
    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "FILE",
            description = "Latent file (*.latent.tif).")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "Latent file to write.")
    Path output;

    @Option(
            names = {"-t", "--transform"},
            required = true,
            paramLabel = "SPEC",
            description =
                    "e.g. scale=0.5,rot=1 (steps: scale=S|SYxSX, rot=K, flip=h|v, crop=y:x:h:w, interp=bilinear|bicubic|nearest).")
    String transform;

    @Override
    public Integer call() throws Exception {
        TransformOperation.Result r = new TransformOperation(transform).transformFile(input, output);
        System.out.printf("wrote %s: latent %s%n", output, r.shape());
        return 0;
    }
}
