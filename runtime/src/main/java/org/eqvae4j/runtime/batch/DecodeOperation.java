package org.eqvae4j.runtime.batch;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.io.InputGuard;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Latent file to image: {@code <name>.latent.tif} becomes {@code <name>.png}, or {@code <name>.tif} when
 * the encoded image was a TIFF, float or a stack; written like that image (grey stays grey, intensities
 * back in its units, its bit depth and pixel size). A latent from another bundle is refused unless
 * {@code ignoreBundleId}; one with another channel count always.
 */
public final class DecodeOperation implements BatchOperation<DecodeOperation.Result> {
    public record Result(int pages, int height, int width) {}

    private final LatentCodec codec;
    private final boolean ignoreBundleId;

    public DecodeOperation(LatentCodec codec, boolean ignoreBundleId) {
        this.codec = codec;
        this.ignoreBundleId = ignoreBundleId;
    }

    /** Decodes one latent file into the image file {@code output} (.png or .tif). */
    public Result decodeFile(Path input, Path output) throws Exception {
        InputGuard.requireNotInput(output, "output", input, "the input");
        Latent latent = LatentFile.read(input);
        FloatTensor image = decode(latent, input.toString());
        ImageFiles.write(image, imageLike(latent.header(), image), output);
        return new Result(image.batch(), image.height(), image.width());
    }

    /** The image of a latent read already (e.g. from bytes); {@code name} names the latent in messages. */
    public FloatTensor decode(Latent latent, String name) throws OrtException {
        LatentFile.checkDecodable(latent.header(), codec.manifest(), name, ignoreBundleId);
        return codec.decode(latent.values());
    }

    /** How the decoded {@code image} is written: like the image that was encoded (grey, bit depth, units, pixel size). */
    public ImageMetadata imageLike(LatentHeader h, FloatTensor image) {
        return like(h).withPages(image.batch());
    }

    /** The output file's extension ("png" or "tif") for a latent with this header. */
    public String outputExtension(LatentHeader h) {
        return like(h).outputExtension();
    }

    private ImageMetadata like(LatentHeader h) {
        return h.source() != null
                ? h.source()
                : ImageMetadata.plain8Bit(codec.manifest().imageChannels());
    }

    @Override
    public BatchInput inputs() {
        return BatchInput.LATENTS;
    }

    /** Reads the latent's header to learn whether the image was a TIFF. */
    @Override
    public List<Path> outputs(Path input, Path base) throws IOException {
        String name = base.getFileName().toString().replaceFirst("\\.latent$", "");
        return List.of(base.resolveSibling(name + "." + outputExtension(LatentFile.readHeader(input))));
    }

    @Override
    public Result process(Path input, Path base) throws Exception {
        return decodeFile(input, outputs(input, base).get(0));
    }

    @Override
    public List<String> columns() {
        return List.of("pages", "height", "width");
    }

    @Override
    public List<String> values(Result r) {
        return r == null
                ? List.of("", "", "")
                : List.of(Integer.toString(r.pages()), Integer.toString(r.height()), Integer.toString(r.width()));
    }
}
