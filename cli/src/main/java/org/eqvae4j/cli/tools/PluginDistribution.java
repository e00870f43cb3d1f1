package org.eqvae4j.cli.tools;

import java.nio.file.Files;
import java.nio.file.Path;

/** The Fiji plugin's distribution folder that fiji-install and fiji-update-site ship from. */
final class PluginDistribution {
    private PluginDistribution() {}

    /** This checkout (the launcher sets eqvae.home). */
    static Path home() {
        return Path.of(System.getProperty("eqvae.home", "."));
    }

    /** {@code dist}, or fiji-plugin/target/fiji of this checkout; it must exist. */
    static Path resolve(Path dist) {
        Path distribution = dist != null ? dist : home().resolve("fiji-plugin/target/fiji");
        if (!Files.isDirectory(distribution)) {
            throw new IllegalArgumentException("plugin distribution " + distribution + " does not exist; build it with"
                    + " mvn -pl fiji-plugin -am package -DskipTests (./eqvae builds it too)");
        }
        return distribution;
    }
}
