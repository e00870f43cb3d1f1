package org.eqvae4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.batch.DecodeOperation;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of bad inputs: each gives an error that names the file and says what is wrong, and a batch
 * over all of them processes the good files and carries on.
 */
class ReliabilityCorpusTest {
    private static Autoencoder ae;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        ae = Taef2.shared();
    }

    private static byte[] encoded(String format, BufferedImage img) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, b), format);
        return b.toByteArray();
    }

    private static BufferedImage photo() throws IOException {
        return ImageIO.read(TestSupport.repoRoot()
                        .resolve("test-images/photos/astronaut.png")
                        .toFile())
                .getSubimage(100, 100, 128, 128);
    }

    /** A valid PNG header declaring width x height, with a few bytes of (too little) image data. */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB
        chunk(out, "IHDR", ihdr.toByteArray());
        Deflater d = new Deflater();
        d.setInput(new byte[64]);
        d.finish();
        byte[] idat = new byte[128];
        chunk(out, "IDAT", Arrays.copyOf(idat, d.deflate(idat)));
        chunk(out, "IEND", new byte[0]);
        return b.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** name -> what its error must say (null: the file is fine). */
    private Map<String, String> imageCorpus(Path dir) throws IOException {
        Map<String, String> expect = new LinkedHashMap<>();
        byte[] png = encoded("png", photo());
        Files.write(dir.resolve("good.png"), png);
        expect.put("good.png", null);
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        expect.put("truncated.png", "corrupt or truncated");
        byte[] garbled = png.clone();
        for (int i = 200; i < 260; i++) {
            garbled[i] ^= 0x5a;
        }
        Files.write(dir.resolve("garbled.png"), garbled);
        expect.put("garbled.png", "corrupt or truncated");
        byte[] jpg = encoded("jpeg", photo());
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpg, jpg.length / 2));
        expect.put("truncated.jpg", "corrupt or truncated");
        Path tif = dir.resolve("whole.tif");
        TiffFiles.write(
                tif,
                FloatTensor.zeros(2, 1, 64, 64).map(v -> 1000),
                TiffFiles.SampleType.UINT16,
                new PixelSize(1, 1, "micron"),
                null);
        byte[] tiff = Files.readAllBytes(tif);
        Files.delete(tif);
        Files.write(dir.resolve("truncated.tif"), Arrays.copyOf(tiff, tiff.length / 3));
        expect.put("truncated.tif", "corrupt or truncated");
        Files.write(dir.resolve("empty.png"), new byte[0]);
        expect.put("empty.png", "empty (0 bytes)");
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Files.write(dir.resolve("one-pixel.png"), encoded("png", one));
        expect.put("one-pixel.png", "smaller than the model's downsampling factor 8");
        Files.write(dir.resolve("huge.png"), pngDeclaring(100_000, 100_000));
        expect.put("huge.png", "declares 100000x100000");
        Files.writeString(dir.resolve("text.png"), "not an image at all\n");
        expect.put("text.png", "not in a readable format");
        BufferedImage greyAlpha = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        Files.write(dir.resolve("rgba.png"), encoded("png", greyAlpha));
        expect.put("rgba.png", null); // alpha is dropped
        return expect;
    }

    @Test
    void everyBadImageIsNamedAndTheBatchCarriesOn() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("corpus"));
        Map<String, String> expect = imageCorpus(in);
        for (var e : expect.entrySet()) {
            if (e.getValue() != null && !e.getKey().equals("one-pixel.png")) {
                Path f = in.resolve(e.getKey());
                IOException ex = assertThrows(
                        IOException.class, () -> ImageFiles.readImage(f, IntensityMapping.LINEAR), e.getKey());
                assertTrue(
                        ex.getMessage().contains(f.toString())
                                && ex.getMessage().contains(e.getValue()),
                        ex.getMessage());
            }
        }
        var items = FolderBatch.run(
                in,
                tmp.resolve("out"),
                new EncodeOperation(new TiledAutoencoder(ae), IntensityMapping.LINEAR),
                new FolderBatch.Options(2, null, false),
                ProgressListener.NONE);
        assertEquals(expect.size(), items.size());
        for (var it : items) {
            String name = it.input().getFileName().toString();
            String phrase = expect.get(name);
            if (phrase == null) {
                assertEquals(FolderBatch.Status.DONE, it.status(), name + ": " + it.error());
            } else {
                assertEquals(FolderBatch.Status.FAILED, it.status(), name);
                assertTrue(
                        it.error().contains(it.input().toString()) && it.error().contains(phrase),
                        name + ": " + it.error());
            }
        }
        assertEquals(
                expect.size() + 1,
                Files.readAllLines(tmp.resolve("out/" + FolderBatch.SUMMARY)).size());
    }

    @Test
    void badLatentsAreNamedAndTheBatchCarriesOn() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("latents"));
        FloatTensor z = ae.encode(Taef2.photoCrop("astronaut.png", 96, 192, 64, 64));
        LatentHeader h = LatentHeader.of(ae.manifest(), z.shape(), "a.png", null);
        LatentFile.write(in.resolve("good.latent.tif"), new Latent(z, h));
        float[] nan = z.data().clone();
        nan[100] = Float.NaN;
        LatentFile.write(in.resolve("nan.latent.tif"), new Latent(new FloatTensor(1, 32, 8, 8, nan), h));
        FloatTensor sixteen = new FloatTensor(1, 16, 8, 8, Arrays.copyOf(z.data(), 16 * 64));
        LatentFile.write(
                in.resolve("sixteen.latent.tif"),
                new Latent(sixteen, LatentHeader.of(ae.manifest(), sixteen.shape(), "a.png", null)));
        TiffFiles.write(
                in.resolve("plain.latent.tif"),
                FloatTensor.zeros(1, 1, 8, 8),
                TiffFiles.SampleType.FLOAT32,
                null,
                null);
        Files.write(in.resolve("empty.latent.tif"), new byte[0]);
        Map<String, String> expect = Map.of(
                "good.latent.tif",
                "",
                "nan.latent.tif",
                "NaN or infinite",
                "sixteen.latent.tif",
                "16 channels",
                "plain.latent.tif",
                "not written by eqvae encode",
                "empty.latent.tif",
                "not a TIFF");
        var items = FolderBatch.run(
                in,
                tmp.resolve("out"),
                new DecodeOperation(new TiledAutoencoder(ae), false),
                FolderBatch.Options.DEFAULT,
                ProgressListener.NONE);
        assertEquals(5, items.size());
        for (var it : items) {
            String name = it.input().getFileName().toString();
            if (name.startsWith("good")) {
                assertEquals(FolderBatch.Status.DONE, it.status(), it.error());
            } else {
                assertTrue(
                        it.failed()
                                && it.error().contains(it.input().toString())
                                && it.error().contains(expect.get(name)),
                        name + ": " + it.error());
            }
        }
    }

    @Test
    void bundlesWithAMissingOrMismatchedFileAreNamedWhenOpened() throws Exception {
        Path missing = copyOfBundle("missing");
        Files.delete(missing.resolve("decoder.local.onnx"));
        BundleException m = assertThrows(BundleException.class, () -> ModelBundle.open(missing));
        assertTrue(
                m.getMessage().contains("decoderLocal file decoder.local.onnx")
                        && m.getMessage().contains("missing"),
                m.getMessage());

        Path swapped = copyOfBundle("swapped");
        Files.copy(
                swapped.resolve("encoder.onnx"),
                swapped.resolve("decoder.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BundleException s = assertThrows(BundleException.class, () -> Autoencoder.open(ModelBundle.open(swapped), 1));
        assertTrue(
                s.getMessage().contains("decoder file decoder.onnx has no output 'image'")
                        && s.getMessage().contains(swapped.toString()),
                s.getMessage());

        Path channels = copyOfBundle("channels"); // model.json disagrees with the ONNX files
        Path json = channels.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"latentChannels\" : 32", "\"latentChannels\" : 16"));
        BundleException c = assertThrows(BundleException.class, () -> Autoencoder.open(ModelBundle.open(channels), 1));
        assertTrue(
                c.getMessage()
                        .contains("encoder file encoder.onnx maps 3 to 32 channels, but model.json expects 3 to 16"),
                c.getMessage());

        Path parts = copyOfBundle("parts");
        Files.copy(
                parts.resolve("decoder.global.onnx"),
                parts.resolve("encoder.global.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BundleException p = assertThrows(BundleException.class, () -> Autoencoder.open(ModelBundle.open(parts), 1));
        assertTrue(p.getMessage().contains("encoderGlobal file encoder.global.onnx"), p.getMessage());
    }

    private Path copyOfBundle(String name) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        try (var files = Files.list(Taef2.bundleDir())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }
}
