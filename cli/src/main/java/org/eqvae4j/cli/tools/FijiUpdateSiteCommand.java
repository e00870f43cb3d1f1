package org.eqvae4j.cli.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.fiji.dist.MavenArtifact;
import org.eqvae4j.fiji.dist.PluginUpdateSite;
import org.eqvae4j.fiji.dist.UpdateSiteWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "fiji-update-site",
        mixinStandardHelpOptions = true,
        description = {
            "Write (or update) an ImageJ update site folder for the Fiji plugin (Plugins > EQ-VAE).",
            "The folder holds db.xml.gz (the updater's index, with its checksums and timestamps) and each file at",
            "<path>-<timestamp>: the plugin jar (plugins/), the jars Fiji lacks (jars/: ONNX Runtime, Commons Imaging, ...)",
            "and model bundles (models/eqvae4j/). Jars Fiji ships (Jackson, Commons IO, ...) are left to Fiji, at",
            "Fiji's versions (pom-scijava). Writing into an existing site keeps unchanged files and records replaced",
            "ones as previous versions. Serve the folder over HTTP(S), or use it as a local folder: in Fiji,",
            "Help > Update... > Manage Update Sites > Add Unlisted Site, URL http://your.server/path/ or file:/path/to/DIR/"
        })
public final class FijiUpdateSiteCommand implements Callable<Integer> {
    /** The bundle the site ships unless --models says otherwise: the smallest real one (1.1 MB). */
    static final String DEFAULT_MODEL = "eq-vq-small-fmnist";

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "The update site folder (created or updated).")
    Path output;

    @Option(
            names = "--dist",
            paramLabel = "DIR",
            description =
                    "The plugin distribution (default: fiji-plugin/target/fiji of this checkout, built by ./eqvae).")
    Path dist;

    @Option(
            names = "--models",
            split = ",",
            paramLabel = "NAME",
            description = "Bundles of models/ to ship (default: " + DEFAULT_MODEL
                    + "; more with Plugins > EQ-VAE > Install Model...).")
    List<String> models;

    @Option(names = "--no-models", description = "Ship no model bundle.")
    boolean noModels;

    @Override
    public Integer call() throws Exception {
        Path home = PluginDistribution.home();
        Path distribution = PluginDistribution.resolve(dist);
        List<Path> bundles = new ArrayList<>();
        if (!noModels) {
            for (String name : models == null || models.isEmpty() ? List.of(DEFAULT_MODEL) : models) {
                Path b = home.resolve("models").resolve(name);
                if (!Files.isRegularFile(b.resolve("model.json"))) {
                    throw new IllegalArgumentException(
                            "--models: no bundle '" + name + "' (no " + b.resolve("model.json") + ")");
                }
                bundles.add(b);
            }
        }
        PluginUpdateSite.Contents contents = PluginUpdateSite.contents(distribution, bundles);
        UpdateSiteWriter.Report r = PluginUpdateSite.write(contents, output, Instant.now(), ZoneId.systemDefault());
        r.written().forEach(f -> System.out.println("new      " + f));
        r.unchanged().forEach(f -> System.out.println("same     " + f));
        r.obsoleted().forEach(f -> System.out.println("obsolete " + f));
        System.out.println("left to Fiji (pom-scijava " + contents.fijiBom() + ", same versions): "
                + String.join(
                        ", ",
                        contents.providedByFiji().stream()
                                .map(MavenArtifact::coordinates)
                                .toList()));
        long bytes = 0;
        for (UpdateSiteWriter.Entry e : contents.entries()) {
            bytes += Files.size(e.source());
        }
        System.out.printf(
                "update site %s: %d files (%.1f MB), %d new%n",
                output, contents.entries().size(), bytes / 1e6, r.written().size());
        System.out.println("in Fiji: Help > Update... > Manage Update Sites > Add Unlisted Site, URL "
                + output.toAbsolutePath().toUri() + " (or where a web server serves this folder)");
        return 0;
    }
}
