package org.eqvae4j.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripBatchTest {
    private static Autoencoder ae;

    @TempDir
    Path tmp;

    Path input;

    @BeforeAll
    static void open() throws Exception {
        ae = Taef2.shared();
    }

    /** input/a.png 64x64 RGB, b.png 70x66 RGB, corrupt.png (truncated), sub/c.png 64x64 grey, notes.txt. */
    @BeforeEach
    void inputTree() throws IOException {
        input = Files.createDirectory(tmp.resolve("input"));
        ImageFiles.writePng(Taef2.photoCrop("astronaut.png", 96, 192, 64, 64), input.resolve("a.png"));
        ImageFiles.writePng(Taef2.photoCrop("coffee.png", 150, 200, 70, 66), input.resolve("b.png"));
        Files.write(input.resolve("corrupt.png"), Arrays.copyOf(Files.readAllBytes(input.resolve("a.png")), 100));
        ImageFiles.writePng(Taef2.photoCrop("camera.png", 100, 200, 64, 64), input.resolve("sub/c.png"));
        Files.writeString(input.resolve("notes.txt"), "not an image");
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        TestSupport.assertSameFiles(before, TestSupport.snapshot(dir));
    }

    private static int[] pngSize(Path p) throws IOException {
        var img = ImageIO.read(p.toFile());
        return new int[] {img.getHeight(), img.getWidth()};
    }

    @Test
    void processesTheTreeReportsTheCorruptFileAndGoesOn() throws Exception {
        Map<String, byte[]> before = TestSupport.snapshot(input);
        Path out = tmp.resolve("out");
        List<String> progress = new ArrayList<>();
        List<RoundTripBatch.Item> items = RoundTripBatch.run(
                ae, input, out, null, (done, total, msg) -> progress.add(done + "/" + total + " " + msg));

        assertEquals(4, items.size());
        assertEquals(
                List.of("a.png", "b.png", "corrupt.png", "sub/c.png"),
                items.stream().map(i -> input.relativize(i.input()).toString()).toList());
        RoundTripBatch.Item corrupt = items.get(2);
        assertTrue(corrupt.failed());
        assertTrue(
                corrupt.error().contains("corrupt.png") && corrupt.error().contains("corrupt or truncated"),
                corrupt.error());
        assertTrue(Double.isNaN(corrupt.psnr()));
        for (int i : new int[] {0, 1, 3}) {
            RoundTripBatch.Item it = items.get(i);
            assertFalse(it.failed(), it.error());
            assertTrue(it.psnr() > 20, it.input() + " PSNR " + it.psnr());
            assertEquals(64, it.height());
            assertEquals(64, it.width());
        }
        assertEquals(List.of("0/4 a.png", "1/4 b.png", "2/4 corrupt.png", "3/4 sub/c.png", "4/4 done"), progress);

        assertArrayEquals(new int[] {64, 64}, pngSize(out.resolve("a.recon.png")));
        assertArrayEquals(new int[] {64, 64}, pngSize(out.resolve("b.recon.png"))); // 70x66 centre-cropped
        assertArrayEquals(new int[] {64, 64}, pngSize(out.resolve("sub/c.recon.png")));
        assertEquals(
                List.of("a.recon.png", "b.recon.png", "sub/c.recon.png", "summary.csv"),
                List.copyOf(TestSupport.snapshot(out).keySet()));
        assertEquals(
                1,
                ImageFiles.read(out.resolve("sub/c.recon.png")).channels(),
                "grey input goes through the RGB model and comes back grey");

        List<String> csv = Files.readAllLines(out.resolve("summary.csv"), StandardCharsets.UTF_8);
        assertEquals(5, csv.size(), String.join("\n", csv));
        assertEquals("file,status,height,width,psnr_db,transformed_psnr_db,error", csv.get(0));
        assertTrue(csv.get(1).startsWith("a.png,done,64,64,"), csv.get(1));
        assertTrue(csv.get(1).endsWith(",NaN,"), csv.get(1));
        assertEquals(
                String.format(java.util.Locale.ROOT, "%.3f", items.get(0).psnr()),
                csv.get(1).split(",")[4]);
        assertTrue(csv.get(2).startsWith("b.png,done,64,64,"), csv.get(2));
        assertTrue(csv.get(3).startsWith("corrupt.png,failed,,,,,"), csv.get(3));
        assertTrue(csv.get(3).contains("corrupt or truncated"), csv.get(3));
        assertTrue(csv.get(4).startsWith("sub/c.png,done,64,64,"), csv.get(4));

        assertUnchanged(before, input);
    }

    @Test
    void withATransformWritesTheTransformedPairs() throws Exception {
        Map<String, byte[]> before = TestSupport.snapshot(input);
        Path out = tmp.resolve("out-eq");
        List<RoundTripBatch.Item> items = RoundTripBatch.run(
                ae, input.resolve("a.png"), out, LatentTransform.scaleThenRotate(0.5, 1), ProgressListener.NONE);
        assertEquals(1, items.size());
        RoundTripBatch.Item a = items.get(0);
        assertFalse(a.failed(), a.error());
        assertTrue(a.transformedPsnr() > 5 && a.transformedPsnr() < a.psnr(), a.transformedPsnr() + " vs " + a.psnr());
        assertEquals(
                List.of("a.recon.png", "a.tau-decoded.png", "a.tau.png", "summary.csv"),
                List.copyOf(TestSupport.snapshot(out).keySet()));
        assertArrayEquals(new int[] {32, 32}, pngSize(out.resolve("a.tau.png")));
        assertArrayEquals(new int[] {32, 32}, pngSize(out.resolve("a.tau-decoded.png")));
        String row = Files.readAllLines(out.resolve("summary.csv")).get(1);
        assertEquals(
                String.format(java.util.Locale.ROOT, "a.png,done,64,64,%.3f,%.3f,", a.psnr(), a.transformedPsnr()),
                row);
        assertUnchanged(before, input);
    }

    @Test
    void outputInsideTheInputIsRefused() throws Exception {
        Map<String, byte[]> before = TestSupport.snapshot(input);
        for (Path out : List.of(input.resolve("results"), input, input.resolve("sub/../sub/x"))) {
            IOException e = assertThrows(
                    IOException.class,
                    () -> RoundTripBatch.run(ae, input, out, null, ProgressListener.NONE),
                    out.toString());
            assertTrue(e.getMessage().contains("inside the input"), e.getMessage());
        }
        assertFalse(Files.exists(input.resolve("results")));
        assertFalse(Files.exists(input.resolve("sub/x")));
        assertUnchanged(before, input);
    }

    @Test
    void inputsWithTheSameStemGetDistinctResults() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("same-stem"));
        ImageFiles.writePng(Taef2.photoCrop("astronaut.png", 96, 192, 64, 64), in.resolve("x.png"));
        assertTrue(ImageIO.write(
                ImageIO.read(in.resolve("x.png").toFile()),
                "bmp",
                in.resolve("x.bmp").toFile()));
        ImageFiles.writePng(Taef2.photoCrop("coffee.png", 100, 100, 64, 64), in.resolve("y.png"));
        Path out = tmp.resolve("out-stem");
        List<RoundTripBatch.Item> items = RoundTripBatch.run(ae, in, out, null, ProgressListener.NONE);
        assertEquals(3, items.size());
        assertTrue(items.stream().noneMatch(RoundTripBatch.Item::failed));
        assertEquals(
                List.of("summary.csv", "x.bmp.recon.png", "x.png.recon.png", "y.recon.png"),
                List.copyOf(TestSupport.snapshot(out).keySet()));
    }

    @Test
    void aFolderWithoutImagesIsAnError() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "x");
        IOException e = assertThrows(
                IOException.class, () -> RoundTripBatch.run(ae, empty, tmp.resolve("o"), null, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("no images") && e.getMessage().contains(empty.toString()), e.getMessage());
    }
}
