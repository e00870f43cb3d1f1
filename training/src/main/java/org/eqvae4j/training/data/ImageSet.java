package org.eqvae4j.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.Resampler;

/**
 * A training set decoded once into memory: an image folder tree, a list file of names (one per line,
 * relative to the list's folder, e.g. the photos' train.txt), or IDX files. Images that fail to decode
 * are reported and left out rather than stopping the run.
 */
public final class ImageSet {
    private final List<Image8> images;
    private final List<String> skipped;

    private ImageSet(List<Image8> images, List<String> skipped) {
        this.images = List.copyOf(images);
        this.skipped = List.copyOf(skipped);
    }

    public static ImageSet of(List<Image8> images) {
        return new ImageSet(images, List.of());
    }

    /** A folder tree, a .txt list of file names, or an IDX (optionally .gz) image file. */
    public static ImageSet load(Path source, int channels) throws IOException {
        String name = source.getFileName().toString();
        if (name.contains("idx3") || name.endsWith(".idx")) {
            // IDX images are grey: a model of another channel count gets them as decoded files are given to it
            return of(IdxFile.readImages(source).stream()
                    .map(i -> i.channels() == channels ? i : Image8.of(ImageFiles.toChannels(i.toTensor(), channels)))
                    .toList());
        }
        List<Path> files;
        if (Files.isRegularFile(source) && name.endsWith(".txt")) {
            files = new ArrayList<>();
            for (String line : Files.readAllLines(source)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    files.add(source.toAbsolutePath().getParent().resolve(line.trim()));
                }
            }
        } else {
            files = ImageFolder.list(source);
        }
        if (files.isEmpty()) {
            throw new IOException("no training images found in " + source);
        }
        return decode(files, channels);
    }

    private static ImageSet decode(List<Path> files, int channels) throws IOException {
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Image8>> jobs = new ArrayList<>();
            for (Path f : files) {
                jobs.add(pool.submit(() -> Image8.of(ImageFiles.toChannels(ImageFiles.read(f), channels))));
            }
            List<Image8> images = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                try {
                    images.add(jobs.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    skipped.add(files.get(i) + ": " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while decoding training images", e);
                }
            }
            if (images.isEmpty()) {
                throw new IOException("none of the " + files.size() + " training images could be read; first error: "
                        + skipped.get(0));
            }
            return new ImageSet(images, skipped);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every image centred on a zero canvas of at least {@code side} x {@code side} ({@link Image8#padded}). */
    public ImageSet padded(int side) {
        return new ImageSet(images.stream().map(i -> i.padded(side)).toList(), skipped);
    }

    /**
     * Every image resized to {@code side} x {@code side} by {@link #resizeBicubic}, then quantised to 8 bits again;
     * images already that size come back as they are.
     */
    public ImageSet resized(int side) {
        return new ImageSet(
                images.stream()
                        .map(i -> i.height() == side && i.width() == side
                                ? i
                                : Image8.of(resizeBicubic(i.toTensor(), side)))
                        .toList(),
                skipped);
    }

    /**
     * The project's one way of enlarging small training images (Fashion-MNIST 32 -> 64 for the generator
     * experiments and their autoencoders): bicubic resampling ({@link Resampler}), clamped to [0, 1] because
     * bicubic rings a little past the range at edges.
     */
    public static FloatTensor resizeBicubic(FloatTensor t, int side) {
        FloatTensor sized = Resampler.resize(t, side, side, Interpolation.BICUBIC);
        if (sized != t) {
            float[] v = sized.data();
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.max(0f, Math.min(1f, v[i]));
            }
        }
        return sized;
    }

    public List<Image8> images() {
        return images;
    }

    /** Files left out because they could not be read, with the reason. */
    public List<String> skipped() {
        return skipped;
    }

    public int size() {
        return images.size();
    }
}
