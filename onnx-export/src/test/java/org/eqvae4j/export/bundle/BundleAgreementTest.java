package org.eqvae4j.export.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.testing.ProjectFiles;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check behind {@code export --from-bundle}: a faithful re-export agrees, another function is refused by name. */
class BundleAgreementTest {
    private static ModelBundle seeded(Path dir, long seed) throws Exception {
        return BundleExporter.export(
                new BundleExporter.Request(
                        Architectures.standard().get("kl-vae-small"),
                        null,
                        seed,
                        null,
                        "t" + seed,
                        "test",
                        "MIT",
                        null,
                        256,
                        32),
                dir,
                false);
    }

    @Test
    void aReexportAgreesAndABundleWithOtherWeightsIsRefused(@TempDir Path dir) throws Exception {
        Path photo = ProjectFiles.root().resolve("test-images/photos/astronaut.png");
        ModelBundle source = seeded(dir.resolve("a"), 3);
        ModelBundle again = BundleExporter.reexport(
                source, Architectures.standard().get("kl-vae-small"), dir.resolve("again"), false);
        BundleAgreement same = BundleAgreement.checkReexport(source, again, photo);
        assertTrue(
                same.agrees()
                        && same.latentDifference() <= BundleAgreement.TOLERANCE
                        && same.imageDifference() <= BundleAgreement.TOLERANCE,
                same.toString());

        ModelBundle other = seeded(dir.resolve("b"), 4);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> BundleAgreement.checkReexport(source, other, photo));
        assertTrue(
                e.getMessage()
                        .startsWith("re-exported bundle " + other.root() + " differs from " + source.root()
                                + " (latent by "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; do not use it"), e.getMessage());
    }

    @Test
    void maxAbsDiffIsTheLargestElementDifferenceAndInfiniteForOtherShapes() {
        FloatTensor a = new FloatTensor(1, 1, 1, 3, new float[] {1, 2, 3});
        assertEquals(
                0.5, BundleAgreement.maxAbsDiff(a, new FloatTensor(1, 1, 1, 3, new float[] {1, 2.5f, 2.75f})), 1e-7);
        assertEquals(Double.POSITIVE_INFINITY, BundleAgreement.maxAbsDiff(a, new FloatTensor(1, 1, 3, 1, new float[] {
            1, 2, 3
        })));
    }
}
