package org.eqvae4j.runtime.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Lists the image files of a folder tree (or a single file), in a stable order. */
public final class ImageFolder {
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif", "pgm", "ppm", "pbm", "pnm");

    private ImageFolder() {
    }

    public static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && !n.startsWith(".") && EXTENSIONS.contains(n.substring(dot + 1));
    }

    public static List<Path> list(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new IOException("input " + input + " does not exist");
        }
        try (Stream<Path> s = Files.walk(input)) {
            return s.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
        }
    }
}
