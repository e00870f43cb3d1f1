package org.eqvae4j.fiji.install;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs the plugin into a Fiji.app folder: the plugin jar into {@code plugins/}, its dependencies (ONNX
 * Runtime with its native libraries, Jackson, Apache Commons Imaging, ...; not ImageJ or SciJava, which
 * Fiji has) into {@code jars/}, and model bundles into {@code models/eqvae4j/}, where the plugin finds them
 * by name. Nothing is downloaded at first use.
 *
 * <p>Never overwrites silently. A file already there with the same bytes is left alone. A conflict (a
 * file of that name with other bytes, or another version of the same library, e.g. Fiji's own
 * jackson-core-2.x.jar, or an older eqvae4j_fiji jar) stops the install before anything is copied, unless
 * the policy says otherwise: {@link OnConflict#KEEP} leaves Fiji's file and skips ours,
 * {@link OnConflict#REPLACE} moves Fiji's file into {@code eqvae4j-replaced/<time>/} and installs ours.
 */
public final class FijiInstaller {
    /** Where {@code eqvae fiji-install} puts bundles (and the plugin looks for them), relative to Fiji.app. */
    public static final String MODELS = "models/eqvae4j";
    /** Where REPLACE moves the files it replaces. */
    public static final String REPLACED = "eqvae4j-replaced";
    /** name-version.jar: the version starts at the first "-digit". */
    private static final Pattern VERSIONED = Pattern.compile("^(.+?)-(\\d[^/]*)\\.jar$");

    public enum OnConflict {
        FAIL,
        KEEP,
        REPLACE;

        public static OnConflict parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("on-conflict must be fail, keep or replace, got '" + s + "'");
            }
        }
    }

    public enum Kind {
        COPY,
        SAME,
        KEEP,
        REPLACE
    }

    /**
     * One file: COPY (new), SAME (already there, identical), KEEP (conflict, Fiji's file kept), REPLACE
     * ({@code existing} moved aside, ours copied).
     */
    public record Action(Kind kind, Path source, Path target, Path existing) {
        @Override
        public String toString() {
            return switch (kind) {
                case COPY -> "copy     " + target;
                case SAME -> "present  " + target + " (identical)";
                case KEEP -> "kept     " + existing + " (not installing " + source.getFileName() + ")";
                case REPLACE -> "replace  " + existing + " -> " + target;
            };
        }
    }

    private FijiInstaller() {}

    /**
     * Plans and (unless {@code dryRun}) performs the install.
     *
     * @param dist       the plugin's distribution folder: {@code plugins/eqvae4j_fiji-*.jar} and {@code jars/*.jar}
     *                   (the build writes it to fiji-plugin/target/fiji)
     * @param bundles    model bundle folders to install (each with a model.json), possibly none
     * @param fiji       the Fiji.app folder
     * @return what was (or would be) done, file by file
     * @throws IOException when a conflict stops the install (the message lists every conflict) or a copy fails
     */
    public static List<Action> install(Path dist, List<Path> bundles, Path fiji, OnConflict onConflict, boolean dryRun)
            throws IOException {
        if (!Files.isDirectory(fiji.resolve("plugins")) || !Files.isDirectory(fiji.resolve("jars"))) {
            throw new IOException(fiji + " is not a Fiji.app folder (it needs plugins/ and jars/)");
        }
        List<Path> plugin = jars(dist.resolve("plugins"));
        if (plugin.size() != 1 || !plugin.get(0).getFileName().toString().contains("_")) {
            throw new IOException("plugin distribution " + dist
                    + " must hold exactly one plugin jar with an underscore in its" + " name in plugins/, found "
                    + plugin + " (build it with: mvn -pl fiji-plugin -am package -DskipTests)");
        }
        List<Path> deps = jars(dist.resolve("jars"));
        if (deps.stream().noneMatch(p -> p.getFileName().toString().startsWith("onnxruntime-"))) {
            throw new IOException("plugin distribution " + dist + " has no onnxruntime jar in jars/");
        }
        List<Action> actions = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        plan(plugin.get(0), fiji.resolve("plugins"), onConflict, actions, conflicts);
        for (Path d : deps) {
            plan(d, fiji.resolve("jars"), onConflict, actions, conflicts);
        }
        for (Path b : bundles) {
            if (!Files.isRegularFile(b.resolve("model.json"))) {
                throw new IOException("model bundle " + b + " has no model.json");
            }
            Path target = fiji.resolve(MODELS).resolve(b.getFileName());
            for (Path f : files(b)) {
                planFile(f, target.resolve(b.relativize(f)), onConflict, actions, conflicts);
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IOException("not installing into " + fiji + ": " + conflicts.size() + " conflict(s)\n  "
                    + String.join("\n  ", conflicts) + "\nre-run with --on-conflict keep (use Fiji's files) or replace"
                    + " (move them to " + fiji.resolve(REPLACED) + " and install ours)");
        }
        if (!dryRun) {
            Path backup = fiji.resolve(REPLACED)
                    .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            for (Action a : actions) {
                if (a.kind() == Kind.REPLACE) {
                    Path moved = backup.resolve(fiji.relativize(a.existing()));
                    Files.createDirectories(moved.getParent());
                    Files.move(a.existing(), moved);
                }
                if (a.kind() == Kind.COPY || a.kind() == Kind.REPLACE) {
                    copyWhole(a.source(), a.target());
                }
            }
        }
        return actions;
    }

    /**
     * Copies into a hidden file beside {@code target}, then renames it over {@code target}: Fiji never sees half a jar,
     * and a failed copy leaves Fiji's folder as it was. (fiji-dist depends on nothing of the project, so this is not
     * runtime's AtomicFiles.)
     */
    private static void copyWhole(Path source, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
        try {
            Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
            if (partial.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(
                        partial, PosixFilePermissions.fromString("rw-r--r--")); // temp files are private
            }
            try {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** A jar: same name there, or another version of the same library. */
    private static void plan(Path jar, Path dir, OnConflict policy, List<Action> actions, List<String> conflicts)
            throws IOException {
        Path target = dir.resolve(jar.getFileName());
        if (Files.exists(target)) {
            planFile(jar, target, policy, actions, conflicts);
            return;
        }
        Optional<String> artifact = artifact(jar.getFileName().toString());
        Optional<Path> other = artifact.isEmpty()
                ? Optional.empty()
                : jars(dir).stream()
                        .filter(p -> artifact.equals(artifact(p.getFileName().toString())))
                        .findFirst();
        if (other.isEmpty()) {
            actions.add(new Action(Kind.COPY, jar, target, null));
            return;
        }
        conflict(
                jar,
                target,
                other.get(),
                "another version of " + artifact.get() + " is installed: "
                        + other.get().getFileName() + " (ours: " + jar.getFileName() + ")",
                policy,
                actions,
                conflicts);
    }

    private static void planFile(
            Path source, Path target, OnConflict policy, List<Action> actions, List<String> conflicts)
            throws IOException {
        if (!Files.exists(target)) {
            actions.add(new Action(Kind.COPY, source, target, null));
        } else if (Files.mismatch(source, target) == -1) {
            actions.add(new Action(Kind.SAME, source, target, target));
        } else {
            conflict(
                    source,
                    target,
                    target,
                    target + " exists with other content than " + source,
                    policy,
                    actions,
                    conflicts);
        }
    }

    private static void conflict(
            Path source,
            Path target,
            Path existing,
            String why,
            OnConflict policy,
            List<Action> actions,
            List<String> conflicts) {
        switch (policy) {
            case FAIL -> conflicts.add(why);
            case KEEP -> actions.add(new Action(Kind.KEEP, source, target, existing));
            case REPLACE -> actions.add(new Action(Kind.REPLACE, source, target, existing));
        }
    }

    /** "jackson-core" for jackson-core-2.23.0.jar; empty for a name without a version. */
    static Optional<String> artifact(String jarName) {
        Matcher m = VERSIONED.matcher(jarName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Bundle folders (with a model.json) directly under {@code models}, optionally only those named. */
    public static List<Path> bundles(Path models, List<String> names) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(models)) {
            all = s.filter(p -> Files.isRegularFile(p.resolve("model.json")))
                    .sorted()
                    .toList();
        }
        if (names == null || names.isEmpty()) {
            return all;
        }
        List<Path> chosen = new ArrayList<>();
        for (String n : names) {
            chosen.add(all.stream()
                    .filter(p -> p.getFileName().toString().equals(n))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no bundle '" + n + "' in " + models + " (there: "
                            + Arrays.toString(all.stream()
                                    .map(p -> p.getFileName().toString())
                                    .toArray()) + ")")));
        }
        return chosen;
    }
}
