package org.eqvae4j.export.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;

class TilingSplitTest {
    private static AutoencoderArchitecture.Graphs graphs(String arch) {
        return BundleExporter.buildGraphs(new BundleExporter.Request(
                Architectures.standard().get(arch), null, 7, null, arch, arch, null, null, 256, 32));
    }

    private static Tensor random(String name, long... dims) {
        Random r = new Random(3);
        float[] d = new float[(int) Tensor.numElements(dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return Tensor.ofFloats(name, dims, d);
    }

    @Test
    void taef2SplitsAtLatentResolutionAndThePartsComposeToTheModel() throws Exception {
        AutoencoderArchitecture.Graphs g = graphs("taef2");
        TilingSplit.Parts dec = TilingSplit.decoder(g.decoder()).orElseThrow();
        TilingSplit.Parts enc = TilingSplit.encoder(g.encoder()).orElseThrow();
        // the whole-image parts hold every reduction and no resampling; the local parts hold no reduction
        assertTrue(
                dec.global().opTypes().contains("ReduceMean")
                        && !dec.global().opTypes().contains("Resize"),
                dec.global().opTypes().toString());
        assertTrue(
                !dec.local().opTypes().contains("ReduceMean")
                        && dec.local().opTypes().contains("Resize"),
                dec.local().opTypes().toString());
        assertTrue(enc.global().opTypes().contains("ReduceMean")
                && !enc.local().opTypes().contains("ReduceMean"));
        assertEquals(
                g.decoder().parameterCount(),
                dec.global().parameterCount() + dec.local().parameterCount());
        assertEquals(
                g.encoder().parameterCount(),
                enc.global().parameterCount() + enc.local().parameterCount());

        Tensor image = random("image", 1, 3, 32, 48);
        float[] latent = OrtRunner.run(g.encoder(), image).get("latent").toFloats();
        Tensor features = OrtRunner.run(enc.local(), image).get(enc.cut().name());
        float[] viaParts = OrtRunner.run(enc.global(), features).get("latent").toFloats();
        assertTrue(OrtRunner.maxAbsDiff(latent, viaParts) < 1e-5);

        Tensor z = random("latent", 1, 32, 4, 6);
        float[] decoded = OrtRunner.run(g.decoder(), z).get("image").toFloats();
        Tensor dz = OrtRunner.run(dec.global(), z).get(dec.cut().name());
        assertEquals(4, dz.dims()[2], "the whole-image part stays at latent resolution");
        assertTrue(OrtRunner.maxAbsDiff(
                        decoded, OrtRunner.run(dec.local(), dz).get("image").toFloats())
                < 1e-5);
    }

    @Test
    void modelsWithoutWholeImageOpsOrWithThemEverywhereAreNotSplit() {
        AutoencoderArchitecture.Graphs taesd = graphs("taesd"); // no GroupNorm: tiles as it is
        assertTrue(TilingSplit.decoder(taesd.decoder()).isEmpty());
        assertTrue(TilingSplit.encoder(taesd.encoder()).isEmpty());
        AutoencoderArchitecture.Graphs kl = graphs("kl-vae-small"); // GroupNorm at every resolution
        assertTrue(TilingSplit.decoder(kl.decoder()).isEmpty());
        assertTrue(TilingSplit.encoder(kl.encoder()).isEmpty());
    }
}
