package org.eqvae4j.cli.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.fiji.install.FijiInstaller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "fiji-install",
        mixinStandardHelpOptions = true,
        description = {
            "Install the Fiji plugin (Plugins > EQ-VAE) into a Fiji.app folder.",
            "Copies the plugin jar to Fiji.app/plugins, its dependencies (ONNX Runtime, Jackson, Commons Imaging, ...;",
            "not ImageJ or SciJava, which Fiji has) to Fiji.app/jars and the model bundles to Fiji.app/models/eqvae4j.",
            "Identical files are left alone; a differing file or another version of a library stops the install",
            "(nothing copied) unless --on-conflict says keep (Fiji's file) or replace (moved to Fiji.app/eqvae4j-replaced)."
        })
public final class FijiInstallCommand implements Callable<Integer> {
    @Option(names = "--fiji", required = true, paramLabel = "DIR", description = "The Fiji.app folder.")
    Path fiji;

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
            description = "Bundles of models/ to install (default: all shipped ones).")
    List<String> models;

    @Option(names = "--no-models", description = "Install no model bundles.")
    boolean noModels;

    @Option(
            names = "--on-conflict",
            defaultValue = "fail",
            paramLabel = "POLICY",
            description = "fail, keep or replace (default ${DEFAULT-VALUE}).")
    String onConflict;

    @Option(names = "--dry-run", description = "Only print what would be done.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Path home = PluginDistribution.home();
        Path distribution = PluginDistribution.resolve(dist);
        List<Path> bundles = noModels ? List.of() : FijiInstaller.bundles(home.resolve("models"), models);
        List<FijiInstaller.Action> actions =
                FijiInstaller.install(distribution, bundles, fiji, FijiInstaller.OnConflict.parse(onConflict), dryRun);
        actions.forEach(a -> System.out.println(a));
        long copied = actions.stream()
                .filter(a -> a.kind() == FijiInstaller.Kind.COPY || a.kind() == FijiInstaller.Kind.REPLACE)
                .count();
        System.out.printf(
                "%s %d files into %s (%d already there, %d kept); restart Fiji, then Plugins > EQ-VAE%n",
                dryRun ? "would copy" : "copied",
                copied,
                fiji,
                actions.stream()
                        .filter(a -> a.kind() == FijiInstaller.Kind.SAME)
                        .count(),
                actions.stream()
                        .filter(a -> a.kind() == FijiInstaller.Kind.KEEP)
                        .count());
        return 0;
    }
}
