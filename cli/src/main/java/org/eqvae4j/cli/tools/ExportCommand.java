package org.eqvae4j.cli.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.bundle.BundleAgreement;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.runtime.bundle.ModelBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Build an architecture's encoder and decoder, load weights (safetensors or PyTorch .pth),",
            "and write a frozen model bundle (encoder.onnx, decoder.onnx, model.json).",
            "Every missing, unexpected or misshaped tensor is reported before anything is written."
        })
public final class ExportCommand implements Callable<Integer> {
    @Option(
            names = {"-a", "--arch"},
            paramLabel = "NAME",
            description = "Architecture (see --list).")
    String arch;

    @Option(names = "--list", description = "List the known architectures and exit.")
    boolean list;

    @Option(
            names = {"-w", "--weights"},
            paramLabel = "FILE",
            split = ",",
            description =
                    "Weight file(s) with the architecture's tensor names (TAESD family: 'encoder.'/'decoder.' prefixes).")
    List<Path> weights = List.of();

    @Option(
            names = "--encoder-weights",
            paramLabel = "FILE",
            description = "Separate encoder weights (TAESD family layout).")
    Path encoderWeights;

    @Option(
            names = "--decoder-weights",
            paramLabel = "FILE",
            description = "Separate decoder weights (TAESD family layout).")
    Path decoderWeights;

    @Option(
            names = "--init-seed",
            paramLabel = "SEED",
            description =
                    "Export freshly initialised weights from this seed instead of loading a file (for training from scratch).")
    Long initSeed;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Bundle folder to write.")
    Path output;

    @Option(names = "--id", description = "Bundle id (default: the architecture name).")
    String id;

    @Option(names = "--name", description = "Human-readable model name.")
    String name;

    @Option(names = "--license", paramLabel = "SPDX", description = "Licence of the weights, e.g. MIT.")
    String license;

    @Option(names = "--license-file", paramLabel = "FILE", description = "Licence text to copy into the bundle.")
    Path licenseFile;

    @Option(
            names = "--tile-size",
            defaultValue = "256",
            description = "Tile side for tiled processing, pixels (default ${DEFAULT-VALUE}).")
    int tileSize;

    @Option(
            names = "--tile-halo",
            defaultValue = "32",
            description = "Tile overlap, pixels (default ${DEFAULT-VALUE}).")
    int tileHalo;

    @Option(
            names = "--from-bundle",
            paramLabel = "DIR",
            description = {
                "Export this bundle again from its own encoder.onnx/decoder.onnx (e.g. to add the tiling parts an",
                "older export lacks), keeping id, name, licence, provenance and metrics; checked to compute the same."
            })
    Path fromBundle;

    @Option(
            names = {"-f", "--force"},
            description = "Replace an existing bundle folder (only once the new one is complete).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Architectures known = Architectures.standard();
        if (list) {
            known.all().values().forEach(a -> System.out.printf("%-14s %s%n", a.name(), a.description()));
            return 0;
        }
        if (fromBundle != null) {
            return reexport(known);
        }
        if (arch == null || output == null) {
            throw new IllegalArgumentException("--arch and --output are required (see eqvae export --help)");
        }
        AutoencoderArchitecture a = known.get(arch);
        boolean hasFiles = !weights.isEmpty() || encoderWeights != null || decoderWeights != null;
        if (hasFiles == (initSeed != null)) {
            throw new IllegalArgumentException(
                    "give weight files (--weights or --encoder-weights/--decoder-weights) or --init-seed, not both or neither");
        }
        Map<String, Tensor> stateDict =
                hasFiles ? BundleExporter.readWeights(weights, encoderWeights, decoderWeights) : null;
        String source = hasFiles ? describe() : null;
        BundleExporter.Request req = new BundleExporter.Request(
                a,
                stateDict,
                initSeed == null ? 0 : initSeed,
                source,
                id == null ? a.name() : id,
                name == null ? a.description() : name,
                license,
                licenseFile,
                tileSize,
                tileHalo);
        ModelBundle bundle = BundleExporter.export(req, output, force);
        System.out.printf(
                "wrote %s: %s, encoder %,d + decoder %,d parameters%n",
                bundle.root(),
                a.name(),
                bundle.manifest().provenance().get("encoderParameters"),
                bundle.manifest().provenance().get("decoderParameters"));
        return 0;
    }

    private int reexport(Architectures known) throws Exception {
        if (output == null
                || arch != null
                || !weights.isEmpty()
                || encoderWeights != null
                || decoderWeights != null
                || initSeed != null) {
            throw new IllegalArgumentException(
                    "--from-bundle takes --output (and --force) only: architecture and weights come from the bundle");
        }
        ModelBundle source = ModelBundle.open(fromBundle);
        ModelBundle bundle =
                BundleExporter.reexport(source, known.get(source.manifest().architecture()), output, force);
        // the same function: plain encode and decode of a photo crop agree with the source bundle's
        BundleAgreement same = BundleAgreement.checkReexport(
                source,
                bundle,
                Path.of(System.getProperty("eqvae.home", ".")).resolve("test-images/photos/astronaut.png"));
        System.out.printf(
                Locale.ROOT,
                "wrote %s from %s: files %s; encode and decode agree with the source (max |diff| %.1e, %.1e)%n",
                bundle.root(),
                fromBundle,
                bundle.manifest().files().values(),
                same.latentDifference(),
                same.imageDifference());
        return 0;
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        weights.forEach(p -> sb.append(sb.length() == 0 ? "" : ", ").append(p.getFileName()));
        if (encoderWeights != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append("encoder: ").append(encoderWeights.getFileName());
        }
        if (decoderWeights != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append("decoder: ").append(decoderWeights.getFileName());
        }
        return sb.toString();
    }
}
