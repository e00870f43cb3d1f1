package org.eqvae4j.runtime.batch;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.RoundTrip;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Round-trips every image of a file or folder tree into an output folder that mirrors the tree:
 * {@code <name>.recon.png} and, with a transform, {@code <name>.tau.png} (tau(x)) and
 * {@code <name>.tau-decoded.png} (D(tau(E(x)))), plus {@code summary.csv}. {@code <name>} is the file name
 * without its extension, or with it where two inputs of a folder differ only in extension. A file that fails is
 * reported and the rest go on. Inputs are never written: the output folder may not lie inside the input.
 */
public final class RoundTripBatch {

    /** One line of the summary: PSNR values are NaN for failed items. */
    public record Item(Path input, int height, int width, double psnr, double transformedPsnr, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    private RoundTripBatch() {
    }

    public static List<Item> run(Autoencoder model, Path input, Path output, LatentTransform tau,
                                 ProgressListener progress) throws IOException {
        Path in = input.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        if (Files.isDirectory(in) && out.startsWith(in)) {
            throw new IOException("output folder " + output + " lies inside the input folder " + input
                    + "; choose another one so inputs are never mixed with results");
        }
        List<Path> files = ImageFolder.list(in);
        if (files.isEmpty()) {
            throw new IOException("no images (" + String.join(", ", ImageFolder.EXTENSIONS) + ") found in " + input);
        }
        Path base = Files.isDirectory(in) ? in : in.getParent();
        // inputs that differ only in extension (x.png, x.jpg) keep it in their result names (x.png.recon.png)
        Map<Path, Integer> stems = new HashMap<>();
        for (Path f : files) {
            stems.merge(f.resolveSibling(stem(f)), 1, Integer::sum);
        }
        Files.createDirectories(out);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            Path rel = base.relativize(f);
            progress.progress(i, files.size(), rel.toString());
            String name = stems.get(f.resolveSibling(stem(f))) > 1 ? f.getFileName().toString() : stem(f);
            items.add(one(model, f, out.resolve(rel).resolveSibling(name), tau));
        }
        progress.progress(files.size(), files.size(), "done");
        writeSummary(items, base, out.resolve("summary.csv"));
        return items;
    }

    private static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    }

    /** @param target the output path without the ".recon.png" etc. suffix */
    private static Item one(Autoencoder model, Path file, Path target, LatentTransform tau) {
        try {
            RoundTrip.Result r = RoundTrip.run(model, ImageFiles.read(file), tau);
            String stem = target.getFileName().toString();
            Path dir = target.getParent();
            ImageFiles.writePng(r.reconstruction(), dir.resolve(stem + ".recon.png"));
            if (tau != null) {
                ImageFiles.writePng(r.transformedTarget(), dir.resolve(stem + ".tau.png"));
                ImageFiles.writePng(r.transformedDecoded(), dir.resolve(stem + ".tau-decoded.png"));
            }
            return new Item(file, r.input().height(), r.input().width(), r.psnr(), r.transformedPsnr(), null);
        } catch (Exception | OutOfMemoryError e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return new Item(file, 0, 0, Double.NaN, Double.NaN, msg);
        }
    }

    private static void writeSummary(List<Item> items, Path base, Path csv) throws IOException {
        AtomicFiles.write(csv, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write("file,height,width,psnr_db,transformed_psnr_db,error\n");
            for (Item it : items) {
                w.write(String.format(Locale.ROOT, "%s,%d,%d,%.3f,%.3f,%s%n", csv(base.relativize(it.input()).toString()),
                        it.height(), it.width(), it.psnr(), it.transformedPsnr(), it.error() == null ? "" : csv(it.error())));
            }
            w.flush();
        });
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\"" : s;
    }
}
