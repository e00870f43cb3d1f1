package org.eqvae4j.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileFindTest {
    @Test
    void findsTheGzippedFileFirstThenThePlainOneAndNamesTheFolderOtherwise(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        assertEquals(dir.resolve("train-labels-idx1-ubyte"), IdxFile.find(dir, "train-labels-idx1-ubyte"));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[0]);
        assertEquals(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFile.find(dir, "train-labels-idx1-ubyte"));
        IOException e = assertThrows(IOException.class, () -> IdxFile.find(dir, "t10k-images-idx3-ubyte"));
        assertEquals("no t10k-images-idx3-ubyte(.gz) in " + dir, e.getMessage());
    }
}
