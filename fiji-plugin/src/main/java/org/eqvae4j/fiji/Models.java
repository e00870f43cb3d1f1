package org.eqvae4j.fiji;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;

/**
 * Finds model bundles for the plugin: the shipped ones by name (folders with a model.json under
 * {@code <eqvae.home>/models}, {@code <Fiji.app>/models/eqvae4j} where {@code eqvae fiji-install} puts
 * them, and the folder in the {@code eqvae.models} system property), or any bundle folder or .zip given
 * by path. A zip is unpacked into a temporary folder that {@link OpenModel#close} deletes.
 */
public final class Models {
    public static final String HOME_PROPERTY = "eqvae.home";
    public static final String MODELS_PROPERTY = "eqvae.models";
    /**
     * Where {@code eqvae fiji-install} copies the shipped bundles, relative to Fiji.app: the installer's
     * {@code FijiInstaller.MODELS} (fiji-dist, not part of the plugin; ModelsTest holds the two equal).
     */
    public static final String FIJI_MODELS = "models/eqvae4j";
    /** A zip may unpack to at most this many bytes (bundles are tens of MB). */
    static final long MAX_UNZIPPED = 8L << 30;

    /** A bundle found in a search folder: its folder name, model.json id and display name. */
    public record Shipped(String name, String id, String title, Path folder) {}

    private Models() {}

    /** The folders searched for shipped bundles, in order (missing ones are skipped when listing). */
    public static List<Path> searchFolders(Path imagejDir) {
        List<Path> out = new ArrayList<>();
        String extra = System.getProperty(MODELS_PROPERTY);
        if (extra != null && !extra.isBlank()) {
            out.add(Path.of(extra));
        }
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            out.add(Path.of(home, "models"));
        }
        if (imagejDir != null) {
            out.add(imagejDir.resolve(FIJI_MODELS));
        }
        return out;
    }

    /** Bundles (subfolders with a readable model.json) of the search folders; the first of a name wins. */
    public static List<Shipped> shipped(List<Path> folders) {
        Map<String, Shipped> found = new LinkedHashMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> s = Files.list(folder)) {
                for (Path p : s.filter(d -> Files.isRegularFile(d.resolve(ModelManifest.FILE_NAME)))
                        .sorted()
                        .toList()) {
                    try {
                        ModelManifest m = ModelBundle.open(p).manifest();
                        found.putIfAbsent(
                                p.getFileName().toString(),
                                new Shipped(p.getFileName().toString(), m.id(), m.name(), p));
                    } catch (BundleException e) {
                        // a broken bundle is not offered; choosing it by path shows the reason
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list model folder " + folder + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * The bundle a user named: a shipped bundle's folder name or id, or a path to a bundle folder or .zip.
     * Opens nothing native; see {@link OpenModel#open}.
     */
    public static Resolved resolve(String choice, List<Shipped> shipped) throws BundleException {
        String c = choice == null ? "" : choice.trim();
        List<String> names = shipped.stream().map(Shipped::name).toList();
        if (c.isEmpty()) {
            throw new BundleException("no model chosen: give model=NAME (shipped: "
                    + (names.isEmpty() ? "none found" : String.join(", ", names))
                    + ") or model=PATH to a bundle folder or .zip");
        }
        for (Shipped s : shipped) {
            if (s.name().equals(c) || s.id().equals(c)) {
                return new Resolved(ModelBundle.open(s.folder()), null);
            }
        }
        Path p = Path.of(c);
        if (Files.isDirectory(p)) {
            return new Resolved(ModelBundle.open(p), null);
        }
        if (Files.isRegularFile(p) && c.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            Path dir = unzip(p);
            try {
                return new Resolved(ModelBundle.open(bundleFolder(dir, p)), dir);
            } catch (BundleException | RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
        }
        throw new BundleException("model '" + c + "' is neither a shipped bundle ("
                + (names.isEmpty() ? "none found" : String.join(", ", names)) + ") nor a bundle folder or .zip file");
    }

    /** A bundle and, for a zip, the temporary folder it was unpacked into (deleted by {@link #close}). */
    public record Resolved(ModelBundle bundle, Path temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary != null) {
                deleteTree(temporary);
            }
        }
    }

    static Path unzip(Path zip) throws BundleException {
        Path dir;
        try {
            dir = Files.createTempDirectory("eqvae-bundle-");
        } catch (IOException e) {
            throw new BundleException("cannot make a temporary folder for " + zip + ": " + e.getMessage(), e);
        }
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            boolean any = false;
            while ((e = in.getNextEntry()) != null) {
                any = true;
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new BundleException("model zip " + zip + " has an entry outside its folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(limited(in), target, StandardCopyOption.REPLACE_EXISTING);
                total += Files.size(target);
                if (total > MAX_UNZIPPED) {
                    throw new BundleException(
                            "model zip " + zip + " unpacks to more than " + (MAX_UNZIPPED >> 30) + " GB");
                }
            }
            if (!any) {
                throw new BundleException("model zip " + zip + " is empty or not a zip file");
            }
            return dir;
        } catch (BundleException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        } catch (IOException e) {
            deleteTree(dir);
            throw new BundleException("cannot unpack model zip " + zip + ": " + e.getMessage(), e);
        }
    }

    /** Files.copy closes nothing, but guard the zip stream from being closed by a copy helper. */
    private static InputStream limited(ZipInputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {}
        };
    }

    /** model.json at the top of the zip, or in its one top-level folder. */
    private static Path bundleFolder(Path dir, Path zip) throws BundleException {
        return folderOf(dir, ModelManifest.FILE_NAME)
                .orElseThrow(() -> new BundleException("model zip " + zip + " holds no " + ModelManifest.FILE_NAME
                        + " (at its top or in one folder): it is not a model bundle"));
    }

    /** The folder holding {@code fileName} at the top of {@code dir} or one level down (the shallowest), if any. */
    static java.util.Optional<Path> folderOf(Path dir, String fileName) throws BundleException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> p.getFileName().toString().equals(fileName) && Files.isRegularFile(p))
                    .min(Comparator.comparingInt(Path::getNameCount))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new BundleException("cannot read unpacked folder " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless; the OS cleans its temp folder
        }
    }
}
