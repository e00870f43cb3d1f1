package org.eqvae4j.fiji.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One resolved dependency, as {@code mvn dependency:list} prints it
 * ({@code groupId:artifactId:type[:classifier]:version:scope}).
 */
public record MavenArtifact(
        String groupId, String artifactId, String type, String classifier, String version, String scope) {

    /** The file name {@code dependency:copy-dependencies} gives it: artifactId-version[-classifier].type */
    public String fileName() {
        return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
    }

    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /** Parses one line; empty for the header and blank lines. */
    static Optional<MavenArtifact> parseLine(String line) {
        String t = line.strip();
        int space = t.indexOf(' ');
        String coords = space < 0 ? t : t.substring(0, space);
        String[] p = coords.split(":");
        if (p.length == 5) {
            return Optional.of(new MavenArtifact(p[0], p[1], p[2], "", p[3], p[4]));
        }
        if (p.length == 6) {
            return Optional.of(new MavenArtifact(p[0], p[1], p[2], p[3], p[4], p[5]));
        }
        return Optional.empty();
    }

    /** Reads the output file of {@code mvn dependency:list -DoutputFile=...}. */
    public static List<MavenArtifact> readList(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no dependency list " + file
                    + " (the fiji-plugin build writes it: mvn -pl fiji-plugin -am package)");
        }
        List<MavenArtifact> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            parseLine(line).ifPresent(out::add);
        }
        if (out.isEmpty()) {
            throw new IOException("dependency list " + file + " names no artifacts");
        }
        return out;
    }
}
