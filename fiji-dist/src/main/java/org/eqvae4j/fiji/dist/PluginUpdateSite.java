package org.eqvae4j.fiji.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The eqvae4j update site: what a Fiji user gets by adding it. From the plugin's distribution folder
 * (the fiji-plugin build's {@code target/fiji}: {@code plugins/eqvae4j_fiji-*.jar}, {@code jars/},
 * {@code maven-dependencies.txt} and {@code pom-scijava.pom}) it ships the plugin jar, the jars Fiji does
 * not have, and model bundles under {@code models/eqvae4j/}. Jars Fiji manages (Jackson, Commons IO,
 * SLF4J, ...) are left to Fiji's own update site, which keeps them current; their versions must equal
 * Fiji's, else the site is not written.
 */
public final class PluginUpdateSite {
    /** Where the plugin looks for bundles in Fiji.app (Models.FIJI_MODELS in the plugin). */
    public static final String MODELS = "models/eqvae4j";

    public static final String DEPENDENCY_LIST = "maven-dependencies.txt";
    public static final String FIJI_BOM = "pom-scijava.pom";

    private PluginUpdateSite() {}

    /** What goes on the site, and the jars left to Fiji (with Fiji's version, which equals ours). */
    public record Contents(List<UpdateSiteWriter.Entry> entries, List<MavenArtifact> providedByFiji, String fijiBom) {}

    /** The files to ship from a distribution folder and model bundle folders (each with a model.json). */
    public static Contents contents(Path dist, List<Path> bundles) throws IOException {
        ManagedVersions fiji = ManagedVersions.read(dist.resolve(FIJI_BOM));
        List<MavenArtifact> deps = MavenArtifact.readList(dist.resolve(DEPENDENCY_LIST));
        List<ManagedVersions.Mismatch> clash = fiji.mismatches(deps);
        if (!clash.isEmpty()) {
            throw new IOException("the plugin's jars differ from the versions Fiji ships (pom-scijava "
                    + fiji.bomVersion() + "): " + clash + "; they would break Fiji or the plugin");
        }
        List<Path> plugin = list(dist.resolve("plugins"), ".jar");
        if (plugin.size() != 1 || !plugin.get(0).getFileName().toString().contains("_")) {
            throw new IOException("plugin distribution " + dist
                    + " must hold exactly one plugin jar with an underscore in its name" + " in plugins/, found "
                    + plugin + " (build it with: mvn -pl fiji-plugin -am package -DskipTests)");
        }
        List<UpdateSiteWriter.Entry> entries = new ArrayList<>();
        List<MavenArtifact> provided = new ArrayList<>();
        List<String> jarNames = new ArrayList<>();
        for (MavenArtifact a : deps) {
            if (fiji.version(a.groupId(), a.artifactId()).isPresent()) {
                provided.add(a);
                continue;
            }
            Path jar = dist.resolve("jars").resolve(a.fileName());
            if (!Files.isRegularFile(jar)) {
                throw new IOException("plugin distribution " + dist + " lacks jars/" + a.fileName() + " ("
                        + a.coordinates() + "); rebuild it with: mvn -pl fiji-plugin -am package -DskipTests");
            }
            String name = "jars/" + a.fileName();
            jarNames.add(name);
            entries.add(new UpdateSiteWriter.Entry(
                    name, jar, "Maven " + a.coordinates() + ", needed by the EQ-VAE plugin", List.of()));
        }
        String pluginName = "plugins/" + plugin.get(0).getFileName();
        entries.add(new UpdateSiteWriter.Entry(
                pluginName,
                plugin.get(0),
                "EQ-VAE latent autoencoders on ONNX Runtime: Plugins > EQ-VAE (encode, transform, decode, sample, batch;"
                        + " macro-recordable). Models install under " + MODELS + ".",
                jarNames));
        for (Path b : bundles) {
            if (!Files.isRegularFile(b.resolve("model.json"))) {
                throw new IOException("model bundle " + b + " has no model.json");
            }
            String prefix = MODELS + "/" + b.getFileName() + "/";
            for (Path f : list(b, "")) {
                entries.add(new UpdateSiteWriter.Entry(
                        prefix + f.getFileName(), f, "EQ-VAE model bundle " + b.getFileName(), List.of()));
            }
        }
        return new Contents(entries, provided, fiji.bomVersion());
    }

    /** Writes or updates the site in {@code site}; see {@link UpdateSiteWriter#write}. */
    public static UpdateSiteWriter.Report write(Contents contents, Path site, Instant now, ZoneId zone)
            throws IOException {
        return UpdateSiteWriter.write(contents.entries(), site, now, zone);
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p)
                            && p.getFileName().toString().endsWith(suffix)
                            && !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }
}
