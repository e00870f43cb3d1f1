package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train-vq -> train-maskgit -> sample, end to end on the bundled Fashion-MNIST test images (a few steps each, about 4 s). */
class VqCommandsTest {

    @Test
    void vqThenMaskGitThenSample(@TempDir Path dir) throws Exception {
        Path fm = EqvaeCliTest.ROOT.resolve("test-images/fashion-mnist");
        Path data = Files.createDirectories(dir.resolve("fmnist"));
        Files.copy(fm.resolve("t10k-1000-images-idx3-ubyte.gz"), data.resolve("train-images-idx3-ubyte.gz"));
        Files.copy(fm.resolve("t10k-1000-labels-idx1-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"));

        EqvaeCliTest.Run vq = EqvaeCliTest.run(
                "train-vq",
                "--data",
                data.resolve("train-images-idx3-ubyte.gz").toString(),
                "--run",
                dir.resolve("vq").toString(),
                "--steps",
                "2",
                "--batch",
                "4",
                "--threads",
                "1",
                "--eq");
        assertEquals(0, vq.code(), vq.err());
        ModelBundle b = ModelBundle.open(dir.resolve("vq/bundle"));
        assertEquals(LatentKind.VQ, b.manifest().kind());
        assertEquals("eq-vq-small-fmnist", b.manifest().id());

        EqvaeCliTest.Run mg = EqvaeCliTest.run(
                "train-maskgit",
                "--vq",
                dir.resolve("vq/bundle").toString(),
                "--data",
                data.toString(),
                "--run",
                dir.resolve("mg").toString(),
                "--train-images",
                "64",
                "--steps",
                "2",
                "--batch",
                "8",
                "--dim",
                "16",
                "--depth",
                "1",
                "--heads",
                "2",
                "--threads",
                "1");
        assertEquals(0, mg.code(), mg.err());
        assertTrue(Files.isRegularFile(dir.resolve("mg/train.tokens")));

        EqvaeCliTest.Run s = EqvaeCliTest.run(
                "sample",
                "--model",
                dir.resolve("mg/bundle").toString(),
                "--output",
                dir.resolve("out").toString(),
                "--count",
                "3",
                "--steps",
                "2",
                "--cfg",
                "1.5",
                "--seed",
                "4");
        assertEquals(0, s.code(), s.err());
        for (int i = 0; i < 3; i++) {
            BufferedImage img = ImageIO.read(
                    dir.resolve(String.format("out/sample-%03d.png", i)).toFile());
            assertEquals(32, img.getWidth());
            assertEquals(32, img.getHeight());
        }
        EqvaeCliTest.Run bad = EqvaeCliTest.run(
                "sample",
                "--model",
                dir.resolve("mg/bundle").toString(),
                "--output",
                dir.resolve("bad").toString(),
                "--class",
                "11");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("class 11"), bad.err());
    }
}
