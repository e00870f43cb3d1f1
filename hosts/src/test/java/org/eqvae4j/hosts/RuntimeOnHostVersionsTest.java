package org.eqvae4j.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.metrics.ImageMetrics;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime inside a host's classpath (hosts/fiji: pom-scijava 45.0.0; hosts/spark: Spark 4.2.0): the
 * host's versions of the shared libraries are the ones resolved, the host's own Jackson modules still
 * work beside eqvae4j, and the runtime reads bundles, images and latent files and runs a model there.
 */
class RuntimeOnHostVersionsTest {
    private static final String HOST = System.getProperty("host.name", "?");

    @Test
    void theHostsVersionsAreTheOnesOnTheClasspath() throws Exception {
        String spec = System.getProperty("host.versions");
        assertNotNull(spec, "surefire sets host.versions");
        for (String entry : spec.split(",")) {
            String[] ga = entry.split("=")[0].split(":");
            assertEquals(entry.split("=")[1], version(ga[0], ga[1]), HOST + ": " + ga[0] + ":" + ga[1]);
        }
    }

    @Test
    void theHostsJacksonModulesStillRegister() throws Exception {
        String moduleClass = System.getProperty("host.jacksonModule");
        assumeTrue(moduleClass != null, HOST + " declares no Jackson module to check");
        // Spark's Scala module throws here when jackson-databind is outside the range it was built for
        Module module = (Module) Class.forName(moduleClass).getField("MODULE$").get(null);
        ObjectMapper mapper = new ObjectMapper().registerModule(module);
        assertTrue(mapper.getRegisteredModuleIds().contains(module.getTypeId()), HOST);
    }

    @Test
    void theRuntimeRunsAModelAndWritesLatentFiles(@TempDir Path dir) throws Exception {
        Path root = root();
        ModelBundle bundle = ModelBundle.open(root.resolve("models/taef2"));
        FloatTensor x = LatentTransform.cropToMultiple(ImageFiles.read(root.resolve("test-images/photos/microaneurysms.png")), 8);
        x = ImageFiles.toChannels(x, 3);
        try (Autoencoder ae = Autoencoder.open(bundle, 1)) {
            FloatTensor z = ae.encode(x);
            Path file = dir.resolve("x.latent.tif");
            LatentFile.write(file, new Latent(z, LatentHeader.of(bundle.manifest(), z.shape(), "microaneurysms.png", null)));
            FloatTensor back = ae.decode(LatentFile.read(file).values());
            double psnr = ImageMetrics.psnrUint8(x, back);
            assertTrue(psnr > 25, HOST + ": round trip " + psnr + " dB");
        }
    }

    @Test
    void thePackagedRuntimeCarriesNoJacksonOfItsOwnOnTheHostsPath() throws Exception {
        Path location = Path.of(ModelBundle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(Files.isRegularFile(location), "runtime comes from " + location + " (mvn test); the jar is checked by mvn verify");
        try (JarFile jar = new JarFile(location.toFile())) {
            assertFalse(Collections.list(jar.entries()).stream().anyMatch(e -> e.getName().startsWith("com/fasterxml/")),
                    location + " must not carry com.fasterxml classes");
            assertNotNull(jar.getEntry("org/eqvae4j/shaded/jackson/databind/ObjectMapper.class"), "Jackson relocated inside " + location);
        }
    }

    /** The version of the artifact's own jar on the classpath (what Maven resolved). */
    private static String version(String groupId, String artifactId) throws Exception {
        Map<String, String> found = new LinkedHashMap<>();
        for (URL u : Collections.list(RuntimeOnHostVersionsTest.class.getClassLoader()
                .getResources("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties"))) {
            if (!u.toString().contains("/" + artifactId + "-")) {
                continue; // a copy inside another jar (surefire embeds commons-io), not the artifact itself
            }
            Properties p = new Properties();
            try (InputStream in = u.openStream()) {
                p.load(in);
            }
            found.put(u.toString(), p.getProperty("version"));
        }
        assertEquals(1, found.size(), groupId + ":" + artifactId + " on the classpath: " + found);
        return found.values().iterator().next();
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(p.resolve("eqvae"))) {
            p = p.getParent();
        }
        return p;
    }
}
