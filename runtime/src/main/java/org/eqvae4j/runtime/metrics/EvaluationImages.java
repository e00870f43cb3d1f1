package org.eqvae4j.runtime.metrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.tensor.FloatTensor;

/** The evaluation images of {@code metrics}, {@code results} and {@code report}: a file or folder, prepared for {@link AutoencoderEvaluation}. */
public final class EvaluationImages {
    private EvaluationImages() {}

    /**
     * Reads every image below {@code images}, converts it to {@code channels} channels and prepares it (centre crop, resize to
     * {@code size}); unreadable files are named on {@code log} and skipped.
     *
     * @throws IllegalArgumentException when no image could be read
     */
    public static List<FloatTensor> prepare(Path images, int channels, int size, PrintStream log) throws IOException {
        List<FloatTensor> prepared = new ArrayList<>();
        for (Path f : ImageFolder.list(images)) {
            try {
                prepared.add(AutoencoderEvaluation.prepare(ImageFiles.toChannels(ImageFiles.read(f), channels), size));
            } catch (IOException | IllegalArgumentException e) {
                log.println("skipped " + f.getFileName() + ": " + e.getMessage());
            }
        }
        if (prepared.isEmpty()) {
            throw new IllegalArgumentException("no readable images in " + images);
        }
        return prepared;
    }
}
