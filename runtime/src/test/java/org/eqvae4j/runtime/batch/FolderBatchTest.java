package org.eqvae4j.runtime.batch;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** encode / transform / decode over a folder tree: mirroring, metadata, skipping, failures, threads. */
class FolderBatchTest {
    private static Autoencoder ae;
    private static TiledAutoencoder codec;

    @TempDir
    Path tmp;

    Path input;

    @BeforeAll
    static void open() throws Exception {
        ae = Taef2.shared();
        codec = new TiledAutoencoder(ae);
    }

    /** rgb.png 64x64, sub/grey.png 48x40, sub/deeper/stack.tif (2 pages of 16-bit grey, 0.5 micron pixels), broken.tif. */
    @BeforeEach
    void inputTree() throws IOException {
        input = Files.createDirectories(tmp.resolve("in/sub/deeper"));
        input = tmp.resolve("in");
        ImageFiles.writePng(Taef2.photoCrop("astronaut.png", 96, 192, 64, 64), input.resolve("rgb.png"));
        ImageFiles.writePng(Taef2.photoCrop("camera.png", 100, 200, 48, 40), input.resolve("sub/grey.png"));
        FloatTensor cell = Taef2.photoCrop("cell.png", 10, 10, 32, 48).map(v -> 1000 + v * 3000);
        FloatTensor stack = FloatTensor.stack(List.of(cell, cell.map(v -> v * 1.2)));
        TiffFiles.write(
                input.resolve("sub/deeper/stack.tif"),
                stack,
                TiffFiles.SampleType.UINT16,
                new PixelSize(0.5, 0.5, "micron"),
                null);
        Files.write(
                input.resolve("broken.tif"),
                Arrays.copyOf(Files.readAllBytes(input.resolve("sub/deeper/stack.tif")), 300));
    }

    private static <R> List<FolderBatch.Status> statuses(List<FolderBatch.Item<R>> items) {
        return items.stream().map(FolderBatch.Item::status).toList();
    }

    @Test
    void encodeTransformDecodeMirrorTheTreeAndKeepTheImagesKind() throws Exception {
        Map<String, byte[]> before = TestSupport.snapshot(input);
        Path latents = tmp.resolve("latents");
        var enc = FolderBatch.run(
                input,
                latents,
                new EncodeOperation(codec, IntensityMapping.PERCENTILE),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        assertEquals(
                List.of("broken.tif", "rgb.png", "sub/deeper/stack.tif", "sub/grey.png"),
                enc.stream().map(i -> input.relativize(i.input()).toString()).toList());
        assertEquals(
                List.of(
                        FolderBatch.Status.FAILED,
                        FolderBatch.Status.DONE,
                        FolderBatch.Status.DONE,
                        FolderBatch.Status.DONE),
                statuses(enc));
        assertTrue(enc.get(0).error().contains("broken.tif"), enc.get(0).error());
        Latent stack = LatentFile.read(latents.resolve("sub/deeper/stack.latent.tif"));
        assertArrayEquals(new long[] {2, 32, 4, 6}, stack.values().shape());
        assertEquals("taef2", stack.header().bundleId());
        assertEquals("stack.tif", stack.header().sourceFile());
        assertEquals(16, stack.header().source().bitsPerSample());
        assertTrue(stack.header().source().scaling().method().startsWith("percentile"));

        Path transformed = tmp.resolve("transformed");
        var tr = FolderBatch.run(
                latents,
                transformed,
                new TransformOperation("scale=2"),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        assertEquals(3, tr.size());
        assertTrue(tr.stream().noneMatch(FolderBatch.Item::failed));

        Path images = tmp.resolve("decoded");
        var dec = FolderBatch.run(
                transformed,
                images,
                new DecodeOperation(codec, false),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        assertTrue(dec.stream().noneMatch(FolderBatch.Item::failed), dec.toString());
        assertEquals(
                List.of("rgb.png", "sub/deeper/stack.tif", "sub/grey.png", "summary.csv"),
                List.copyOf(TestSupport.snapshot(images).keySet()));
        ImageData out = ImageFiles.readImage(images.resolve("sub/deeper/stack.tif"), IntensityMapping.LINEAR);
        assertArrayEquals(new long[] {2, 1, 64, 96}, out.pixels().shape(), "2 pages, grey, twice the size");
        assertEquals(16, out.metadata().bitsPerSample());
        assertEquals(0.25, out.metadata().pixelSize().x(), 1e-9, "pixel size halves when the latent is scaled by 2");
        float mean = 0;
        for (float v : out.pixels().data()) {
            mean += v * 65535 / out.pixels().data().length;
        }
        assertTrue(mean > 1000 && mean < 5000, "intensities back in the input's units: mean " + mean);
        assertEquals(1, ImageFiles.read(images.resolve("sub/grey.png")).channels());
        assertEquals(3, ImageFiles.read(images.resolve("rgb.png")).channels());
        TestSupport.assertSameFiles(before, TestSupport.snapshot(input));
    }

    @Test
    void aReRunSkipsWhatIsDoneAndRedoesChangedInputs() throws Exception {
        Path out = tmp.resolve("out");
        EncodeOperation op = new EncodeOperation(codec, IntensityMapping.LINEAR);
        FolderBatch.run(input, out, op, FolderBatch.Options.DEFAULT, ProgressListener.NONE);
        var again = FolderBatch.run(input, out, op, FolderBatch.Options.DEFAULT, ProgressListener.NONE);
        assertEquals(
                List.of(
                        FolderBatch.Status.FAILED,
                        FolderBatch.Status.SKIPPED,
                        FolderBatch.Status.SKIPPED,
                        FolderBatch.Status.SKIPPED),
                statuses(again),
                "the broken file is tried again, the rest skipped");
        Files.setLastModifiedTime(input.resolve("rgb.png"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Files.write(out.resolve("sub/grey.latent.tif"), new byte[0]); // an empty output is not done
        var third = FolderBatch.run(input, out, op, FolderBatch.Options.DEFAULT, ProgressListener.NONE);
        assertEquals(
                List.of(
                        FolderBatch.Status.FAILED,
                        FolderBatch.Status.DONE,
                        FolderBatch.Status.SKIPPED,
                        FolderBatch.Status.DONE),
                statuses(third));
        var redo = FolderBatch.run(input, out, op, new FolderBatch.Options(1, null, true), ProgressListener.NONE);
        assertEquals(
                3,
                redo.stream().filter(i -> i.status() == FolderBatch.Status.DONE).count());
        List<String> csv = Files.readAllLines(out.resolve(FolderBatch.SUMMARY));
        assertEquals("file,status,pages,height,width,latent_shape,error", csv.get(0));
        assertTrue(csv.get(3).startsWith("sub/deeper/stack.tif,done,2,32,48,2x32x4x6,"), csv.get(3));
    }

    @Test
    void twoThreadsWriteExactlyWhatOneThreadWrites() throws Exception {
        for (int i = 0; i < 4; i++) {
            ImageFiles.writePng(
                    Taef2.photoCrop("coffee.png", 20 * i, 30 * i, 64, 72), input.resolve("sub/more" + i + ".png"));
        }
        EncodeOperation op = new EncodeOperation(codec, IntensityMapping.LINEAR);
        var one = FolderBatch.run(
                input, tmp.resolve("one"), op, new FolderBatch.Options(1, null, false), ProgressListener.NONE);
        var two = FolderBatch.run(
                input, tmp.resolve("two"), op, new FolderBatch.Options(2, null, false), ProgressListener.NONE);
        assertEquals(statuses(one), statuses(two));
        TestSupport.assertSameFiles(TestSupport.snapshot(tmp.resolve("one")), TestSupport.snapshot(tmp.resolve("two")));
        var decOne = FolderBatch.run(
                tmp.resolve("one"),
                tmp.resolve("d1"),
                new DecodeOperation(codec, false),
                new FolderBatch.Options(1, null, false),
                ProgressListener.NONE);
        var decTwo = FolderBatch.run(
                tmp.resolve("one"),
                tmp.resolve("d2"),
                new DecodeOperation(codec, false),
                new FolderBatch.Options(2, null, false),
                ProgressListener.NONE);
        assertEquals(statuses(decOne), statuses(decTwo));
        TestSupport.assertSameFiles(TestSupport.snapshot(tmp.resolve("d1")), TestSupport.snapshot(tmp.resolve("d2")));
    }

    @Test
    void anOutputThatWouldReplaceItsInputIsRefused() throws Exception {
        Path latents = tmp.resolve("latents");
        FolderBatch.run(
                input.resolve("rgb.png"),
                latents,
                new EncodeOperation(codec, IntensityMapping.LINEAR),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        Path latent = latents.resolve("rgb.latent.tif");
        byte[] before = Files.readAllBytes(latent);
        // a single file transformed "into" its own folder would be written over itself
        var items = FolderBatch.run(
                latent,
                latents,
                new TransformOperation("rot=1"),
                new FolderBatch.Options(1, null, true),
                ProgressListener.NONE);
        assertTrue(
                items.get(0).failed() && items.get(0).error().contains("would overwrite its input"),
                items.get(0).error());
        assertArrayEquals(before, Files.readAllBytes(latent));
        IOException inside = assertThrows(
                IOException.class,
                () -> FolderBatch.run(
                        input,
                        input.resolve("results"),
                        new EncodeOperation(codec, IntensityMapping.LINEAR),
                        FolderBatch.Options.DEFAULT,
                        ProgressListener.NONE));
        assertTrue(inside.getMessage().contains("inside the input"), inside.getMessage());
    }

    @Test
    void globSelectsByNameOrRelativePath() throws Exception {
        EncodeOperation op = new EncodeOperation(codec, IntensityMapping.LINEAR);
        assertEquals(
                List.of("broken.tif", "stack.tif"),
                FolderBatch.run(
                                input,
                                tmp.resolve("o1"),
                                op,
                                new FolderBatch.Options(1, "*.tif", false),
                                ProgressListener.NONE)
                        .stream()
                        .map(i -> i.input().getFileName().toString())
                        .toList());
        assertEquals(
                List.of("grey.png"),
                FolderBatch.run(
                                input,
                                tmp.resolve("o2"),
                                op,
                                new FolderBatch.Options(1, "sub/*.png", false),
                                ProgressListener.NONE)
                        .stream()
                        .map(i -> i.input().getFileName().toString())
                        .toList());
        IOException none = assertThrows(
                IOException.class,
                () -> FolderBatch.run(
                        input,
                        tmp.resolve("o3"),
                        op,
                        new FolderBatch.Options(1, "*.jpg", false),
                        ProgressListener.NONE));
        assertTrue(
                none.getMessage().contains("matching *.jpg")
                        && none.getMessage().contains(input.toString()),
                none.getMessage());
    }

    @Test
    void decodingRefusesAnotherBundlesLatentUnlessAsked() throws Exception {
        Path latents = tmp.resolve("latents");
        FolderBatch.run(
                input.resolve("rgb.png"),
                latents,
                new EncodeOperation(codec, IntensityMapping.LINEAR),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        Latent l = LatentFile.read(latents.resolve("rgb.latent.tif"));
        var h = l.header();
        Path foreign = tmp.resolve("foreign/rgb.latent.tif");
        LatentFile.write(
                foreign,
                new Latent(
                        l.values(),
                        new org.eqvae4j.runtime.latent.LatentHeader(
                                h.format(),
                                h.formatVersion(),
                                "eq-taef2",
                                32,
                                8,
                                1,
                                0,
                                h.shape(),
                                h.transforms(),
                                h.sourceFile(),
                                h.source())));
        var refused = FolderBatch.run(
                foreign,
                tmp.resolve("d"),
                new DecodeOperation(codec, false),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        assertTrue(
                refused.get(0).failed() && refused.get(0).error().contains("'eq-taef2'"),
                refused.get(0).error());
        var forced = FolderBatch.run(
                foreign,
                tmp.resolve("d"),
                new DecodeOperation(codec, true),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        assertFalse(forced.get(0).failed(), forced.get(0).error());
        assertClose(
                ae.decode(l.values()).map(v -> Math.max(0, Math.min(1, v))),
                ImageFiles.read(tmp.resolve("d/rgb.png")),
                0.5 / 255 + 1e-6);
    }
}
