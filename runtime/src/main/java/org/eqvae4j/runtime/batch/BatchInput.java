package org.eqvae4j.runtime.batch;

import java.nio.file.Path;
import java.util.TreeSet;
import org.eqvae4j.runtime.image.ImageFolder;
import org.eqvae4j.runtime.latent.LatentFile;

/** What a {@link BatchOperation} takes from the folder walk. */
public enum BatchInput {
    /** Image files by extension; latent files are TIFFs but not images to encode. */
    IMAGES("images (" + String.join(", ", new TreeSet<>(ImageFolder.EXTENSIONS)) + ")"),
    /** Latent files, {@code *.latent.tif}. */
    LATENTS("latent files (*" + LatentFile.SUFFIX + ")");

    private final String description;

    BatchInput(String description) {
        this.description = description;
    }

    public boolean accepts(Path file) {
        boolean latent = file.getFileName().toString().endsWith(LatentFile.SUFFIX);
        return this == LATENTS ? latent : ImageFolder.isImageName(file) && !latent;
    }

    /** For "no ... found in" messages. */
    public String description() {
        return description;
    }
}
