package org.eqvae4j.runtime.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.metrics.ImageMetrics;
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
    public record Metrics(int height, int width, double psnr, double transformedPsnr) {}

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

    /** What is kept of a page's round trip: its results, not its input (memory: see roundTrip). */
    private record Page(
            int height,
            int width,
            FloatTensor reconstruction,
            double psnr,
            FloatTensor transformedTarget,
            FloatTensor transformedDecoded,
            double transformedPsnr) {}

    /**
     * What {@link #process} writes, in the order of {@link #outputs}: the images (reconstruction, then with a
     * transform tau(x) and D(tau(E(x)))), how each is written, and the metrics.
     */
    public record Output(List<FloatTensor> images, List<ImageMetadata> likes, Metrics metrics) {}

    @Override
    public Metrics process(Path input, Path base) throws Exception {
        // the image is handed over, not kept in a local here: roundTrip lets go of its pixels early
        Output o = roundTrip(ImageFiles.readImage(input, mapping));
        List<Path> out = outputs(input, base);
        for (int i = 0; i < o.images().size(); i++) {
            ImageFiles.write(o.images().get(i), o.likes().get(i), out.get(i));
        }
        return o.metrics();
    }

    /**
     * Round-trips an image already read (with this operation's intensity mapping, e.g. from bytes), page by page.
     * Holds at most the input and one result at full size while a page runs, and the results alone afterwards: a
     * 4096 x 4096 RGB image is 201 MB as floats, and input, a copy of it and the reconstruction together did not fit a
     * 512 MB heap.
     */
    public Output roundTrip(ImageData img) throws Exception {
        ImageMetadata like = img.metadata();
        FloatTensor pixels = img.pixels();
        img = null; // the pixels are the only part still needed
        List<Page> pages = new ArrayList<>();
        int count = pixels.batch();
        for (int p = 0; p < count; p++) {
            FloatTensor page = count == 1 ? pixels : pixels.sample(p);
            if (count == 1) {
                pixels = null;
            }
            if (tau != null) { // the comparison needs the input beside the results
                RoundTrip.Result r = RoundTrip.run(codec, page, tau);
                pages.add(new Page(
                        r.input().height(),
                        r.input().width(),
                        r.reconstruction(),
                        r.psnr(),
                        r.transformedTarget(),
                        r.transformedDecoded(),
                        r.transformedPsnr()));
                continue;
            }
            FloatTensor x = LatentTransform.cropToMultiple(
                    ImageFiles.toChannels(page, codec.manifest().imageChannels()),
                    codec.manifest().downsamplingFactor());
            page = null;
            byte[] reference = ImageMetrics.quantised(x); // what PSNR compares, a quarter of the input's size
            int height = x.height();
            int width = x.width();
            FloatTensor z = codec.encode(x);
            x = null; // the input is not held while the reconstruction is made
            FloatTensor recon = codec.decode(z);
            pages.add(new Page(height, width, recon, ImageMetrics.psnrUint8(reference, recon), null, null, Double.NaN));
        }
        List<FloatTensor> images = new ArrayList<>(List.of(stack(pages, Page::reconstruction)));
        List<ImageMetadata> likes = new ArrayList<>(List.of(like));
        if (tau != null) {
            ImageMetadata noScale = like.withPixelSize(null); // tau changes the geometry; these are for comparison only
            images.add(stack(pages, Page::transformedTarget));
            images.add(stack(pages, Page::transformedDecoded));
            likes.add(noScale);
            likes.add(noScale);
        }
        Page first = pages.get(0);
        return new Output(
                images,
                likes,
                new Metrics(
                        first.height(),
                        first.width(),
                        pages.stream().mapToDouble(Page::psnr).average().orElseThrow(),
                        pages.stream()
                                .mapToDouble(Page::transformedPsnr)
                                .average()
                                .orElseThrow()));
    }

    /** The intensity mapping images are read with. */
    public IntensityMapping mapping() {
        return mapping;
    }

    private static FloatTensor stack(List<Page> pages, java.util.function.Function<Page, FloatTensor> part) {
        return pages.size() == 1
                ? part.apply(pages.get(0))
                : FloatTensor.stack(pages.stream().map(part).toList());
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
        return List.of(
                Integer.toString(m.height()),
                Integer.toString(m.width()),
                String.format(Locale.ROOT, "%.3f", m.psnr()),
                String.format(Locale.ROOT, "%.3f", m.transformedPsnr()));
    }
}
