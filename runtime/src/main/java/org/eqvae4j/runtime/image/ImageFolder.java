package org.eqvae4j.runtime.image;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** Lists the image files of a folder tree (or a single file), in a stable order. */
public final class ImageFolder {
    public static final Set<String> EXTENSIONS =
            Set.of("png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "gif", "pgm", "ppm", "pbm", "pnm");

    private ImageFolder() {}

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
        return files(input, ImageFolder::isImageName);
    }

    /**
     * The regular files of a folder tree that {@code accept} takes, sorted. Symbolic links are followed
     * (a linked input folder or subfolder is searched like a real one); a link back up the tree is
     * skipped rather than searched forever.
     */
    public static List<Path> files(Path folder, Predicate<Path> accept) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(
                folder, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && accept.test(f)) {
                            found.add(f);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        found.sort(null);
        return found;
    }
}
