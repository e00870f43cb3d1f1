package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export-bioimageio through the command line (the packages themselves: BioimageioExportTest in onnx-export). */
class ExportBioimageioCommandTest {
    @Test
    void writesBothPackagesAndZipsAndRefusesVqBundles(@TempDir Path dir) throws Exception {
        Path root = EqvaeCliTest.ROOT;
        EqvaeCliTest.Run r = EqvaeCliTest.run(
                "export-bioimageio",
                "--model",
                root.resolve("models/taef2").toString(),
                "--output",
                dir.toString(),
                "--zip",
                "--author",
                "A. Person",
                "--threads",
                "1");
        assertEquals(0, r.code(), r.err());
        for (String p : new String[] {"taef2-encoder", "taef2-decoder"}) {
            assertTrue(Files.isRegularFile(dir.resolve(p).resolve("rdf.yaml")), p);
            assertTrue(Files.isRegularFile(dir.resolve(p + ".zip")), p + ".zip");
            assertTrue(Files.readString(dir.resolve(p).resolve("rdf.yaml")).contains("A. Person"), "author");
        }
        assertTrue(r.out().contains("[1, 3, 96, 96] -> output [1, 32, 12, 12]"), r.out());
        EqvaeCliTest.Run vq = EqvaeCliTest.run(
                "export-bioimageio",
                "--model",
                root.resolve("models/vq-small-fmnist").toString(),
                "--output",
                dir.resolve("vq").toString());
        assertEquals(EqvaeCli.ERROR, vq.code());
        assertTrue(vq.err().contains("VQ bundle"), vq.err());
    }
}
