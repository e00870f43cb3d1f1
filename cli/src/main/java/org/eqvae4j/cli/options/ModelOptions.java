package org.eqvae4j.cli.options;

import java.nio.file.Path;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of the commands that run one bundle: the bundle, device and threads ({@link DeviceOptions}), tiling. */
public final class ModelOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "BUNDLE",
            description = "Model bundle folder (e.g. models/taef2).")
    public Path model;

    @Mixin
    public DeviceOptions device;

    @Option(
            names = "--tiling",
            defaultValue = "auto",
            paramLabel = "MODE",
            description = {
                "auto: tile images above 1 megapixel; always: tile whenever the image exceeds one tile;",
                "never: run whole images (memory grows with the image). Default ${DEFAULT-VALUE}."
            })
    public String tiling;

    @Option(
            names = "--tile-size",
            paramLabel = "PX",
            description = "Tile side in pixels (default: the bundle's tileSize).")
    public Integer tileSize;

    @Option(
            names = "--tile-halo",
            paramLabel = "PX",
            description = "Context added around each tile, pixels (default: the bundle's tileHalo).")
    public Integer tileHalo;

    public Path requireModel() {
        if (model == null) { // a usage error (exit 2), but not declared required: batch --op transform runs without
            throw new CommandLine.ParameterException(
                    command.commandLine(), "Missing required option: '--model=BUNDLE'");
        }
        return model;
    }

    public Autoencoder open() throws BundleException {
        return Autoencoder.open(ModelBundle.open(requireModel()), runtimeOptions());
    }

    public RuntimeOptions runtimeOptions() {
        return device.runtimeOptions();
    }

    public TiledAutoencoder codec(Autoencoder ae) {
        long maxUntiled = switch (tiling) {
            case "auto" -> TiledAutoencoder.DEFAULT_MAX_UNTILED_PIXELS;
            case "always" -> 0;
            case "never" -> Long.MAX_VALUE;
            default ->
                throw new IllegalArgumentException("--tiling must be auto, always or never, got '" + tiling + "'");
        };
        return new TiledAutoencoder(
                ae,
                tileSize == null ? ae.manifest().tileSize() : tileSize,
                tileHalo == null ? ae.manifest().tileHalo() : tileHalo,
                maxUntiled);
    }
}
