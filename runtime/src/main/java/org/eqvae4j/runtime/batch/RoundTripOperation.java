package org.eqvae4j.runtime.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.metrics.RoundTrip;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Encode + decode of an image file, page by page, with PSNR: {@code <name>.recon.png} (or {@code .tif} for
 * TIFF inputs, written like the input) and, with a transform, {@code <name>.tau.*} (tau(x)) and
 * {@code <name>.tau-decoded.*} (D(tau(E(x)))). PSNR values are means over the pages.
 */
public final class RoundTripOperation implements BatchOperation<RoundTripOperation.Metrics> {
    /** Size after the crop to a multiple of f; PSNR in dB (NaN without a transform). */
    public record Metrics(int height, int width, double psnr, double transformedPsnr) {
    }

    private final LatentCodec codec;
    private final LatentTransform tau;
    private final IntensityMapping mapping;

    /** @param tau the transform for the equivariance comparison, or null */
    public RoundTripOperation(LatentCodec codec, LatentTransform tau, IntensityMapping mapping) {
        this.codec = codec;
        this.tau = tau;
        this.mapping = mapping;
    }

    @Override
    public BatchInput inputs() {
        return BatchInput.IMAGES;
    }

    @Override
    public List<Path> outputs(Path input, Path base) {
        String ext = input.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.tiff?$") ? ".tif" : ".png";
        String stem = base.getFileName().toString();
        List<Path> out = new ArrayList<>(List.of(base.resolveSibling(stem + ".recon" + ext)));
        if (tau != null) {
            out.add(base.resolveSibling(stem + ".tau" + ext));
            out.add(base.resolveSibling(stem + ".tau-decoded" + ext));
        }
        return out;
    }

    @Override
    public Metrics process(Path input, Path base) throws Exception {
        ImageData img = ImageFiles.readImage(input, mapping);
        List<RoundTrip.Result> pages = new ArrayList<>();
        for (int p = 0; p < img.pixels().batch(); p++) {
            pages.add(RoundTrip.run(codec, img.pixels().sample(p), tau));
        }
        List<Path> out = outputs(input, base);
        ImageMetadata like = img.metadata();
        ImageFiles.write(stack(pages, RoundTrip.Result::reconstruction), like, out.get(0));
        if (tau != null) {
            ImageMetadata noScale = like.withPixelSize(null); // tau changes the geometry; these are for comparison only
            ImageFiles.write(stack(pages, RoundTrip.Result::transformedTarget), noScale, out.get(1));
            ImageFiles.write(stack(pages, RoundTrip.Result::transformedDecoded), noScale, out.get(2));
        }
        RoundTrip.Result first = pages.get(0);
        return new Metrics(first.input().height(), first.input().width(),
                pages.stream().mapToDouble(RoundTrip.Result::psnr).average().orElseThrow(),
                pages.stream().mapToDouble(RoundTrip.Result::transformedPsnr).average().orElseThrow());
    }

    private static FloatTensor stack(List<RoundTrip.Result> pages, java.util.function.Function<RoundTrip.Result, FloatTensor> part) {
        return pages.size() == 1 ? part.apply(pages.get(0)) : FloatTensor.stack(pages.stream().map(part).toList());
    }

    @Override
    public List<String> columns() {
        return List.of("height", "width", "psnr_db", "transformed_psnr_db");
    }

    @Override
    public List<String> values(Metrics m) {
        if (m == null) {
            return List.of("", "", "", "");
        }
        return List.of(Integer.toString(m.height()), Integer.toString(m.width()), String.format(Locale.ROOT, "%.3f", m.psnr()),
                String.format(Locale.ROOT, "%.3f", m.transformedPsnr()));
    }
}
