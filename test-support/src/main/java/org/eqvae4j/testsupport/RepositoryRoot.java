package org.eqvae4j.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root folder, where the tests find committed fixtures (models/, test-images/, bench/). Tests run with
 * their module folder as working directory; the root is the first folder above it that holds the {@code eqvae} launcher
 * and the parent {@code pom.xml}. Tests read nothing outside it.
 */
public final class RepositoryRoot {
    private RepositoryRoot() {}

    /** @throws IllegalStateException when no folder above the working directory is the repository root */
    public static Path get() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("eqvae")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "no repository root (a folder with the eqvae launcher and pom.xml) above " + start);
    }

    /** A path below the root, e.g. {@code resolve("models/taef2")}. */
    public static Path resolve(String relative) {
        return get().resolve(relative);
    }
}
