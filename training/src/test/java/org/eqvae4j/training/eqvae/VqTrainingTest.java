package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EQ-VAE training of a VQ autoencoder on Fashion-MNIST padded to 32: codebook usage in metrics.csv, a VQ bundle out. */
class VqTrainingTest {

    @Test
    void vqTrainingLogsCodebookUsageAndExportsAVqBundle(@TempDir Path dir) throws Exception {
        Path init = BundleExporter.export(
                        new BundleExporter.Request(
                                Architectures.standard().get("vq-small"),
                                null,
                                1,
                                null,
                                "vq-init",
                                "vq init",
                                "MIT",
                                null,
                                32,
                                0),
                        dir.resolve("init"),
                        false)
                .root();
        EqVaeTrainConfig cfg = new EqVaeTrainConfig(
                init,
                RepositoryRoot.get().resolve("test-images/fashion-mnist/t10k-1000-images-idx3-ubyte.gz"),
                null,
                32,
                4,
                1,
                3,
                5e-4f,
                0,
                0,
                0.5,
                0.25,
                true,
                false,
                Interpolation.BILINEAR,
                new EqVaeLoss(1f, 0f, 0f),
                null,
                2,
                1,
                ExecutionProvider.CPU,
                32,
                "vq-trained",
                null,
                0,
                32,
                0,
                EqVaeTrainConfig.RecipeOptions.DEFAULT);
        new EqVaeTrainer(cfg, dir.resolve("run")).train(ProgressListener.NONE);
        List<String> rows = Files.readAllLines(dir.resolve("run/metrics.csv"));
        assertEquals("step,loss,equivariance_microbatches,ms,codebook_perplexity,codebook_used", rows.get(0));
        assertEquals(4, rows.size());
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            double perplexity = Double.parseDouble(f[4]);
            double used = Double.parseDouble(f[5]);
            // 4 images x 64 tokens at most (fewer on the equivariance branch's scaled latents)
            assertTrue(perplexity >= 1 && perplexity <= 256, row);
            assertTrue(used > 0 && used <= 256 / 256.0 && used * 256 <= 4 * 64, row);
        }
        ModelBundle b = ModelBundle.open(dir.resolve("run/bundle"));
        assertEquals(LatentKind.VQ, b.manifest().kind());
        assertEquals(256, b.manifest().codebookSize());
        assertTrue(b.has("codebook"));
        assertTrue(String.valueOf(b.manifest().provenance().get("weights")).contains("zero-padded to 32"));
    }
}
