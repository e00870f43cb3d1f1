package org.eqvae4j.runtime.model;

import java.io.IOException;
import java.nio.file.Path;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/** The shipped TAEF2 bundle and small crops of the committed photos, for model tests. */
public final class Taef2 {
    private Taef2() {}

    public static Path bundleDir() {
        return TestSupport.repoRoot().resolve("models/taef2");
    }

    /** Opened with 2 intra-op threads: small inputs, and tests may run beside other work. */
    public static Autoencoder open() throws IOException {
        return Autoencoder.open(ModelBundle.open(bundleDir()), 2);
    }

    private static Autoencoder shared;

    /**
     * One instance for every test class of the run (ORT sessions are thread-safe and loading six of them
     * costs about a second); closed when the JVM exits. Tests must not close it.
     */
    public static synchronized Autoencoder shared() throws IOException {
        if (shared == null) {
            shared = open();
            Autoencoder s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A crop of a committed photo (test-images/photos), as [1,C,h,w] in [0,1]. */
    public static FloatTensor photoCrop(String name, int y, int x, int h, int w) throws IOException {
        FloatTensor img = ImageFiles.read(
                TestSupport.repoRoot().resolve("test-images/photos").resolve(name));
        return LatentTransform.crop(y, x, h, w).apply(img);
    }
}
