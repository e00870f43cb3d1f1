package org.eqvae4j.runtime.batch;

import ai.onnxruntime.OrtException;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.io.InputGuard;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Image file to latent file ({@code <name>.latent.tif}): every page of a stack, grey repeated to RGB for
 * 3-channel models, centre-cropped to a multiple of the downsampling factor, intensity-mapped as asked;
 * the image's metadata goes into the latent's header so that decoding gives an image like this one.
 */
public final class EncodeOperation implements BatchOperation<EncodeOperation.Result> {
    /** @param latentShape [N, C, h, w] as written */
    public record Result(int pages, int height, int width, String latentShape) {}

    private final LatentCodec codec;
    private final IntensityMapping mapping;

    public EncodeOperation(LatentCodec codec, IntensityMapping mapping) {
        this.codec = codec;
        this.mapping = mapping;
    }

    /** Encodes one file into {@code output}. */
    public Result encodeFile(Path input, Path output) throws Exception {
        InputGuard.requireNotInput(output, "output", input, "the input");
        Latent latent =
                encode(ImageFiles.readImage(input, mapping), input.getFileName().toString());
        LatentFile.write(output, latent);
        return result(latent);
    }

    /**
     * The latent of an image already read (with this operation's intensity mapping, e.g. from bytes);
     * {@code sourceName} is the image file's name, recorded in the header.
     */
    public Latent encode(ImageData img, String sourceName) throws OrtException {
        int f = codec.manifest().downsamplingFactor();
        FloatTensor x = LatentTransform.cropToMultiple(
                ImageFiles.toChannels(img.pixels(), codec.manifest().imageChannels()), f);
        FloatTensor z = codec.encode(x);
        return new Latent(z, LatentHeader.of(codec.manifest(), z.shape(), sourceName, img.metadata()));
    }

    /** The summary values of a latent this operation made (the image size after the crop to a multiple of f). */
    public Result result(Latent latent) {
        FloatTensor z = latent.values();
        int f = codec.manifest().downsamplingFactor();
        return new Result(
                z.batch(),
                z.height() * f,
                z.width() * f,
                z.batch() + "x" + z.channels() + "x" + z.height() + "x" + z.width());
    }

    /** The intensity mapping images are read with. */
    public IntensityMapping mapping() {
        return mapping;
    }

    @Override
    public BatchInput inputs() {
        return BatchInput.IMAGES;
    }

    @Override
    public List<Path> outputs(Path input, Path base) {
        return List.of(base.resolveSibling(base.getFileName() + LatentFile.SUFFIX));
    }

    @Override
    public Result process(Path input, Path base) throws Exception {
        return encodeFile(input, outputs(input, base).get(0));
    }

    @Override
    public List<String> columns() {
        return List.of("pages", "height", "width", "latent_shape");
    }

    @Override
    public List<String> values(Result r) {
        return r == null
                ? List.of("", "", "", "")
                : List.of(
                        Integer.toString(r.pages()),
                        Integer.toString(r.height()),
                        Integer.toString(r.width()),
                        r.latentShape());
    }
}
