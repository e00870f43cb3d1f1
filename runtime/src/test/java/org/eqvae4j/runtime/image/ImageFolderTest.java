package org.eqvae4j.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path tmp;

    @Test
    void listsImagesOfATreeInStableOrder() throws Exception {
        for (String name : List.of(
                "b.PNG",
                "a.jpg",
                "sub/c.tif",
                "sub/deeper/d.jpeg",
                "notes.txt",
                ".hidden.png",
                "noext",
                "sub/e.gif",
                "f.bmp",
                "g.tiff",
                "h.webp")) {
            Path p = tmp.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "x");
        }
        Files.createDirectories(tmp.resolve("folder.png"));
        List<String> got = ImageFolder.list(tmp).stream()
                .map(p -> tmp.relativize(p).toString())
                .toList();
        assertEquals(
                List.of("a.jpg", "b.PNG", "f.bmp", "g.tiff", "h.webp", "sub/c.tif", "sub/deeper/d.jpeg", "sub/e.gif"),
                got);
    }

    @Test
    void aSingleFileIsItsOwnList() throws Exception {
        Path f = Files.writeString(tmp.resolve("x.png"), "x");
        assertEquals(List.of(f), ImageFolder.list(f));
    }

    @Test
    void missingInput() {
        IOException e = assertThrows(IOException.class, () -> ImageFolder.list(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
