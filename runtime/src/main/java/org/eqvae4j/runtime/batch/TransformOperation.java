package org.eqvae4j.runtime.batch;

import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.io.InputGuard;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.TransformSpec;

/**
 * Latent file to transformed latent file of the same name in the output tree; the header records the
 * transform spec and the pixel size the decoded image will have. No model is needed.
 */
public final class TransformOperation implements BatchOperation<TransformOperation.Result> {
    public record Result(String shape) {}

    private final String spec;
    private final LatentTransform tau;

    /** @param spec a {@link TransformSpec}, e.g. "scale=0.5,rot=1" */
    public TransformOperation(String spec) {
        this.spec = spec;
        this.tau = TransformSpec.parse(spec);
    }

    public Result transformFile(Path input, Path output) throws Exception {
        InputGuard.requireNotInput(output, "output", input, "the input");
        Latent t = LatentFile.read(input).transformed(tau, spec);
        LatentFile.write(output, t);
        long[] s = t.values().shape();
        return new Result(s[0] + "x" + s[1] + "x" + s[2] + "x" + s[3]);
    }

    @Override
    public BatchInput inputs() {
        return BatchInput.LATENTS;
    }

    @Override
    public List<Path> outputs(Path input, Path base) {
        return List.of(base.resolveSibling(base.getFileName() + ".tif")); // base keeps ".latent"
    }

    @Override
    public Result process(Path input, Path base) throws Exception {
        return transformFile(input, outputs(input, base).get(0));
    }

    @Override
    public List<String> columns() {
        return List.of("latent_shape");
    }

    @Override
    public List<String> values(Result r) {
        return List.of(r == null ? "" : r.shape());
    }
}
