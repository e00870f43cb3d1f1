package org.eqvae4j.runtime.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Round-trips every image of a file or folder tree ({@link RoundTripOperation} run by {@link FolderBatch}):
 * {@code <name>.recon.png} and, with a transform, {@code <name>.tau.png} (tau(x)) and
 * {@code <name>.tau-decoded.png} (D(tau(E(x)))), plus {@code summary.csv}. One thread, and every file is
 * processed again (the {@code roundtrip} command measures; {@code batch} skips what is done). Images
 * above a megapixel are tiled.
 */
public final class RoundTripBatch {

    /** One line of the summary: PSNR values are NaN for failed items. */
    public record Item(Path input, int height, int width, double psnr, double transformedPsnr, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    private RoundTripBatch() {}

    public static List<Item> run(
            LatentCodec model, Path input, Path output, LatentTransform tau, ProgressListener progress)
            throws IOException {
        LatentCodec codec = model instanceof TiledAutoencoder ? model : new TiledAutoencoder(model);
        RoundTripOperation op = new RoundTripOperation(codec, tau, IntensityMapping.LINEAR);
        return FolderBatch.run(input, output, op, new FolderBatch.Options(1, null, true), progress).stream()
                .map(RoundTripBatch::item)
                .toList();
    }

    private static Item item(FolderBatch.Item<RoundTripOperation.Metrics> it) {
        RoundTripOperation.Metrics m = it.result();
        return m == null
                ? new Item(it.input(), 0, 0, Double.NaN, Double.NaN, it.error())
                : new Item(it.input(), m.height(), m.width(), m.psnr(), m.transformedPsnr(), null);
    }
}
