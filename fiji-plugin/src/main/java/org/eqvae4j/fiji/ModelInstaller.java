package org.eqvae4j.fiji;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.io.AtomicFolders;

/**
 * Plugins > EQ-VAE > Install Model...: copies a model into the plugin's models folder
 * ({@code Fiji.app/models/eqvae4j/<id>}), where every command then offers it by name. Takes a bundle
 * folder (model.json + ONNX files), a .zip of one, or a bioimage.io package ({@code rdf.yaml}: a folder,
 * its rdf.yaml, or its .zip) as {@code eqvae export-bioimageio} writes them. A bioimage.io model holds one
 * ONNX graph, so a bundle comes as an encoder and a decoder package: given either, the other is looked for
 * beside it ({@code <id>-decoder} / {@code <id>-encoder}, folder or .zip) and the two become one bundle.
 * Nothing is half-installed: the bundle is checked (ModelBundle.open) before it is moved into place.
 */
public final class ModelInstaller {

    /** The installed bundle: its id and folder, what it came from, and whether an identical copy was already there. */
    public record Installed(String id, Path folder, String from, boolean alreadyInstalled) {}

    private ModelInstaller() {}

    /**
     * @param source    a bundle folder or .zip, or a bioimage.io package folder, rdf.yaml or .zip
     * @param modelsDir the plugin's models folder (Fiji.app/models/eqvae4j)
     * @param replace   replace a different bundle of the same id (else that is an error)
     */
    public static Installed install(Path source, Path modelsDir, boolean replace) throws BundleException {
        if (!Files.exists(source)) {
            throw new BundleException("model to install: " + source + " does not exist");
        }
        List<Path> temporary = new ArrayList<>();
        try {
            Path dir = unpacked(source, temporary);
            Optional<Path> bundle = Models.folderOf(dir, ModelManifest.FILE_NAME);
            if (bundle.isPresent()) {
                return copy(ModelBundle.open(bundle.get()), modelsDir, replace, "bundle " + source);
            }
            Optional<Path> pkg = Models.folderOf(dir, BioimageioPackage.RDF);
            if (pkg.isEmpty()) {
                throw new BundleException(source + " is neither a model bundle (no " + ModelManifest.FILE_NAME
                        + ") nor a bioimage.io package" + " (no " + BioimageioPackage.RDF
                        + "), at its top or in one folder");
            }
            BioimageioPackage first = BioimageioPackage.read(pkg.get());
            BioimageioPackage second = otherHalf(first, source, temporary);
            BioimageioPackage encoder = first.role().equals("encoder") ? first : second;
            BioimageioPackage decoder = first.role().equals("encoder") ? second : first;
            Path assembled = Files.createTempDirectory("eqvae-install-");
            temporary.add(assembled);
            assemble(encoder, decoder, assembled);
            return copy(
                    ModelBundle.open(assembled),
                    modelsDir,
                    replace,
                    "bioimage.io packages '" + encoder.name() + "' + '" + decoder.name() + "'");
        } catch (IOException e) {
            throw new BundleException("cannot install " + source + ": " + e.getMessage(), e);
        } finally {
            temporary.forEach(Models::deleteTree);
        }
    }

    /** The folder to look into: the source folder, rdf.yaml's folder, or a zip unpacked into a temporary folder. */
    private static Path unpacked(Path source, List<Path> temporary) throws BundleException {
        if (Files.isDirectory(source)) {
            return source;
        }
        String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.equals(BioimageioPackage.RDF) || name.equals(ModelManifest.FILE_NAME)) {
            return source.toAbsolutePath().getParent();
        }
        if (name.endsWith(".zip")) {
            Path dir = Models.unzip(source);
            temporary.add(dir);
            return dir;
        }
        throw new BundleException(source + " is not a folder, a .zip, model.json or rdf.yaml");
    }

    /** The package of the other role beside {@code first}'s source: a folder or a .zip named {@code <id>-<role>}. */
    private static BioimageioPackage otherHalf(BioimageioPackage first, Path source, List<Path> temporary)
            throws BundleException {
        Path abs = source.toAbsolutePath().normalize();
        Path beside = (Files.isDirectory(abs) || abs.getFileName().toString().endsWith(".zip") ? abs : abs.getParent())
                .getParent();
        String want = first.otherHalfName();
        List<Path> candidates =
                beside == null ? List.of() : List.of(beside.resolve(want), beside.resolve(want + ".zip"));
        for (Path c : candidates) {
            if (!Files.exists(c)) {
                continue;
            }
            Path dir = unpacked(c, temporary);
            Optional<Path> pkg = Models.folderOf(dir, BioimageioPackage.RDF);
            if (pkg.isEmpty()) {
                throw new BundleException(
                        c + " has no " + BioimageioPackage.RDF + ": it is not the " + want + " package");
            }
            BioimageioPackage other = BioimageioPackage.read(pkg.get());
            if (!other.bundleId().equals(first.bundleId()) || other.role().equals(first.role())) {
                throw new BundleException(
                        c + " is the " + other.role() + " of " + other.bundleId() + ", not the " + want + " package");
            }
            Map<String, Object> a = new LinkedHashMap<>(first.eqvae4j());
            Map<String, Object> b = new LinkedHashMap<>(other.eqvae4j());
            a.remove("role");
            b.remove("role");
            if (!a.equals(b) || first.imageChannels() != other.imageChannels()) {
                throw new BundleException(first.folder().getFileName() + " and " + c.getFileName()
                        + " describe different bundles (" + a + " vs " + b + "): export them again together");
            }
            return other;
        }
        throw new BundleException(
                "'" + first.name() + "' is the " + first.role() + " half of eqvae4j bundle " + first.bundleId()
                        + " (a bioimage.io model holds one graph); the plugin needs the encoder and the decoder. Put the "
                        + want
                        + " package (folder or .zip, as eqvae export-bioimageio writes both) next to it"
                        + (beside == null ? "" : " in " + beside) + ", or install the bundle folder or zip instead");
    }

    /** encoder.onnx, decoder.onnx, model.json from config.eqvae4j, and the licence file when a package has one. */
    private static void assemble(BioimageioPackage encoder, BioimageioPackage decoder, Path dir)
            throws IOException, BundleException {
        Files.copy(encoder.onnx(), dir.resolve("encoder.onnx"));
        Files.copy(decoder.onnx(), dir.resolve("decoder.onnx"));
        Path license = encoder.folder().resolve("LICENSE");
        if (Files.isRegularFile(license)) {
            Files.copy(license, dir.resolve("LICENSE"));
        }
        Map<String, Object> eq = encoder.eqvae4j();
        try {
            List<?> range = (List<?>) eq.get("value_range");
            // the exporter takes bundles whose encoder has one latent output; the runtime treats deterministic and KL
            // alike
            LatentKind kind = eq.get("kind") == null
                    ? LatentKind.DETERMINISTIC
                    : LatentKind.parse(String.valueOf(eq.get("kind")));
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("installedFrom", "bioimage.io packages " + encoder.name() + " and " + decoder.name());
            ModelManifest m = new ModelManifest(
                    ModelManifest.FORMAT_VERSION,
                    encoder.bundleId(),
                    encoder.name().replaceFirst("(?i)\\s*\\(?encoder\\)?\\s*$", ""),
                    encoder.architecture(),
                    kind,
                    encoder.imageChannels(),
                    number(eq, "latent_channels").intValue(),
                    number(eq, "downsampling_factor").intValue(),
                    number(eq, "latent_scale").doubleValue(),
                    number(eq, "latent_shift").doubleValue(),
                    new double[] {((Number) range.get(0)).doubleValue(), ((Number) range.get(1)).doubleValue()},
                    number(eq, "tile_size").intValue(),
                    number(eq, "tile_halo").intValue(),
                    Map.of(ModelManifest.ENCODER, "encoder.onnx", ModelManifest.DECODER, "decoder.onnx"),
                    Objects.requireNonNullElse(encoder.license(), "see the bioimage.io package"),
                    provenance,
                    Map.of(),
                    null,
                    null);
            Files.writeString(dir.resolve(ModelManifest.FILE_NAME), ModelBundle.toJson(m.validate()) + "\n");
        } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new BundleException(
                    encoder.folder().resolve(BioimageioPackage.RDF) + ": config.eqvae4j does not describe a bundle"
                            + " (needs latent_channels, downsampling_factor, latent_scale, latent_shift, value_range, tile_size, tile_halo): "
                            + e.getMessage(),
                    e);
        }
    }

    private static Number number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(key + " is " + v + ", not a number");
        }
        return n;
    }

    /** Copies the bundle's files into modelsDir/<id> through a staging folder; an identical bundle there is left alone. */
    private static Installed copy(ModelBundle bundle, Path modelsDir, boolean replace, String from)
            throws IOException, BundleException {
        String id = bundle.manifest().id();
        Path target = modelsDir.resolve(id);
        List<Path> files = files(bundle.root());
        if (Files.isDirectory(target)) {
            if (sameFiles(files, bundle.root(), target)) {
                return new Installed(id, target, from, true);
            }
            if (!replace) {
                throw new BundleException("a different bundle '" + id + "' is already installed in " + target
                        + "; choose replace to overwrite it");
            }
        }
        AtomicFolders.write(target, staging -> {
            for (Path f : files) {
                Files.copy(f, staging.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        });
        ModelBundle.open(target);
        return new Installed(id, target, from, false);
    }

    private static boolean sameFiles(List<Path> files, Path root, Path target) throws IOException {
        if (files(target).size() != files.size()) {
            return false;
        }
        for (Path f : files) {
            Path t = target.resolve(root.relativize(f));
            if (!Files.isRegularFile(t) || Files.mismatch(f, t) != -1) {
                return false;
            }
        }
        return true;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
