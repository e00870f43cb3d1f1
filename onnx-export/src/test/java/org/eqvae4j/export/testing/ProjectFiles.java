package org.eqvae4j.export.testing;

import java.nio.file.Path;
import org.eqvae4j.testsupport.RepositoryRoot;

/** Paths of project files the tests use (tests run with the module folder as working directory). */
public final class ProjectFiles {
    private ProjectFiles() {}

    public static Path root() {
        return RepositoryRoot.get();
    }

    public static Path taef2Reference() {
        return root().resolve("test-images/reference/taef2_reference.safetensors");
    }

    public static Path taef2EncoderWeights() {
        return root().resolve("models/sources/taef2/taef2_encoder.safetensors");
    }

    public static Path taef2DecoderWeights() {
        return root().resolve("models/sources/taef2/taef2_decoder.safetensors");
    }

    public static Path taef2Bundle() {
        return root().resolve("models/taef2");
    }
}
