package org.eqvae4j.runtime.visual;

import java.util.List;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.Resampler;

/** Lays out [1, 3, h, w] images in rows and columns on a white background, each scaled to one cell size. */
public final class ImageGrid {
    private ImageGrid() {}

    /** @param rows rows of images (grey images are shown as grey RGB); every image is resized to cell x cell */
    public static FloatTensor of(List<List<FloatTensor>> rows, int cell, int gap) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int h = rows.size() * cell + (rows.size() + 1) * gap;
        int w = cols * cell + (cols + 1) * gap;
        float[] out = new float[3 * h * w];
        java.util.Arrays.fill(out, 1f);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < rows.get(r).size(); c++) {
                FloatTensor img = rows.get(r).get(c);
                if (img.height() != cell || img.width() != cell) {
                    img = Resampler.resize(
                            img, cell, cell, cell >= img.height() ? Interpolation.NEAREST : Interpolation.AREA);
                }
                int y0 = gap + r * (cell + gap);
                int x0 = gap + c * (cell + gap);
                for (int ch = 0; ch < 3; ch++) {
                    int src = img.channels() == 1 ? 0 : ch;
                    for (int y = 0; y < cell; y++) {
                        for (int x = 0; x < cell; x++) {
                            out[(ch * h + y0 + y) * w + x0 + x] = img.get(0, src, y, x);
                        }
                    }
                }
            }
        }
        return new FloatTensor(1, 3, h, w, out);
    }
}
