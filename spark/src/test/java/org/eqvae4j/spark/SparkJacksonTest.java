package org.eqvae4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.scala.DefaultScalaModule$;
import java.io.ByteArrayOutputStream;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/**
 * This module holds Jackson at Spark's version (the runtime is built with a newer one that Spark's Scala module
 * refuses): the Scala module accepts it, and the runtime's JSON (model.json, latent headers) works with it.
 */
class SparkJacksonTest {
    @Test
    void jacksonIsSparksVersionAndItsScalaModuleAcceptsIt() {
        String version = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
        assertTrue(version.startsWith("2.21."), "jackson-databind " + version + " on the spark module's classpath");
        new ObjectMapper().registerModule(DefaultScalaModule$.MODULE$); // throws when the versions do not match
    }

    @Test
    void runtimeJsonWorksWithSparksJackson() throws Exception {
        ModelManifest m = ModelBundle.open(SparkFixtures.smallBundle()).manifest();
        assertEquals("kl-vae-small", m.id());
        assertEquals(4, m.latentChannels());
        FloatTensor z = new FloatTensor(1, 4, 2, 3, new float[24]);
        Latent latent = new Latent(z, LatentHeader.of(m, z.shape(), "caf\u00e9.png", ImageMetadata.plain8Bit(3)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LatentFile.write(out, "mem", latent);
        assertEquals(latent.header(), LatentFile.read(out.toByteArray(), "mem").header());
        String json = LatentFile.headerJson(latent.header());
        assertTrue(json.toLowerCase(java.util.Locale.ROOT).contains("caf\\u00e9.png"), json); // 7-bit, for the TIFF tag
    }
}
