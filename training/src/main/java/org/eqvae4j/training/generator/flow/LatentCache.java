package org.eqvae4j.training.generator.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;

/**
 * Latents of a labelled image set, encoded once by a frozen encoder and cached on disk, so generator
 * training never runs the autoencoder.
 *
 * <p>File format ({@code .latents}): the 8 ASCII bytes {@value #MAGIC}, a big-endian int32 header length,
 * a UTF-8 JSON header ({@code format}, {@code formatVersion}, {@code bundleId}, {@code bundleName},
 * {@code encoderBytes} (size of the encoder file, a cheap identity check), {@code count}, {@code shape}
 * [C, h, w], {@code source}, {@code preprocessing}), then {@code count} int32 labels and
 * {@code count * C * h * w} float32 raw latents, both little-endian. A cache whose header names another
 * bundle, encoder or source is refused by {@link #openOrEncode}, never silently used.
 */
public final class LatentCache {
    public static final String MAGIC = "EQVAELAT";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> header;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final int[] labels;
    private final float[] latents;

    private LatentCache(
            Map<String, Object> header, int count, int channels, int height, int width, int[] labels, float[] latents) {
        this.header = header;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.latents = latents;
    }

    /**
     * The cached latents of {@code images}/{@code labelsFile} (IDX, Fashion-MNIST geometry) under the
     * bundle's encoder: read from {@code file} when it is the cache of exactly these, else encoded (first
     * {@code limit} images; 0 = all) and written there atomically.
     */
    public static LatentCache openOrEncode(
            Path file,
            ModelBundle bundle,
            Path images,
            Path labelsFile,
            int limit,
            int side,
            int threads,
            ProgressListener progress)
            throws IOException {
        FashionMnistImages.checkSide(side);
        Map<String, Object> expected = expectedHeader(bundle, images, labelsFile, limit, side);
        if (Files.isRegularFile(file)) {
            LatentCache c = read(file);
            for (String key : List.of("bundleId", "encoderBytes", "source", "limit", "preprocessing")) {
                if (!String.valueOf(c.header.get(key)).equals(String.valueOf(expected.get(key)))) {
                    throw new IOException("latent cache " + file + " was made with " + key + " = " + c.header.get(key)
                            + ", not " + expected.get(key) + " (bundle " + bundle.root()
                            + "); delete it or use another cache path");
                }
            }
            return c;
        }
        List<Image8> im = IdxFile.readImages(images);
        int[] lab = IdxFile.readLabels(labelsFile);
        if (im.size() != lab.length) {
            throw new IOException(
                    images + " has " + im.size() + " images but " + labelsFile + " has " + lab.length + " labels");
        }
        int n = limit > 0 ? Math.min(limit, im.size()) : im.size();
        ModelManifest m = bundle.manifest();
        int f = m.downsamplingFactor();
        int h = side / f;
        int c = m.latentChannels();
        float[] z = new float[Math.multiplyExact(n, c * h * h)];
        int batch = 250;
        try (Autoencoder ae = Autoencoder.open(bundle, RuntimeOptions.threads(threads))) {
            for (int from = 0; from < n; from += batch) {
                int k = Math.min(batch, n - from);
                FloatTensor lat = ae.encode(FashionMnistImages.toModel(im, from, k, m.imageChannels(), side));
                if (lat.channels() != c || lat.height() != h || lat.width() != h) {
                    throw new IOException("encoder of " + bundle.root() + " gave latents " + lat + ", expected [" + k
                            + ", " + c + ", " + h + ", " + h + "]");
                }
                if (!lat.allFinite()) {
                    throw new IOException("encoder of " + bundle.root() + " gave a non-finite latent for images " + from
                            + ".." + (from + k - 1));
                }
                System.arraycopy(lat.data(), 0, z, from * c * h * h, lat.data().length);
                progress.progress(from + k, n, "encoding " + images.getFileName() + " with " + m.id());
            }
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("encoding " + images + " with " + bundle.root() + " failed: " + e.getMessage(), e);
        }
        Map<String, Object> header = new LinkedHashMap<>(expected);
        header.put("count", n);
        header.put("shape", List.of(c, h, h));
        LatentCache cache = new LatentCache(header, n, c, h, h, java.util.Arrays.copyOf(lab, n), z);
        cache.write(file);
        return cache;
    }

    private static Map<String, Object> expectedHeader(ModelBundle bundle, Path images, Path labels, int limit, int side)
            throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("format", "eqvae4j-latent-cache");
        h.put("formatVersion", 1);
        h.put("bundleId", bundle.manifest().id());
        h.put("bundleName", bundle.manifest().name());
        h.put("encoderBytes", Files.size(bundle.file(ModelManifest.ENCODER)));
        h.put("source", images.getFileName() + " + " + labels.getFileName());
        h.put("limit", limit);
        h.put(
                "preprocessing",
                FashionMnistImages.preprocessing(side, bundle.manifest().imageChannels()));
        return h;
    }

    public void write(Path file) throws IOException {
        byte[] head = JSON.writeValueAsBytes(header);
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(head.length);
            out.write(head);
            ByteBuffer lb = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
            for (int l : labels) {
                lb.putInt(l);
            }
            out.write(lb.array());
            ByteBuffer fb = ByteBuffer.allocate(4 * latents.length).order(ByteOrder.LITTLE_ENDIAN);
            fb.asFloatBuffer().put(latents);
            out.write(fb.array());
            out.flush();
        });
    }

    @SuppressWarnings("unchecked")
    public static LatentCache read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IOException(file + " is not a latent cache (it does not start with " + MAGIC + ")");
            }
            int len = in.readInt();
            if (len <= 0 || len > 1 << 20) {
                throw new IOException(file + ": implausible header length " + len);
            }
            byte[] head = new byte[len];
            in.readFully(head);
            JsonNode h = JSON.readTree(head);
            int n = h.path("count").asInt(-1);
            JsonNode shape = h.path("shape");
            if (n < 1 || shape.size() != 3) {
                throw new IOException(file + ": header has no valid count / shape: " + h);
            }
            int c = shape.get(0).asInt();
            int hh = shape.get(1).asInt();
            int w = shape.get(2).asInt();
            byte[] lb = new byte[4 * n];
            in.readFully(lb);
            int[] labels = new int[n];
            ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(labels);
            byte[] fb = new byte[Math.multiplyExact(4 * n, c * hh * w)];
            in.readFully(fb);
            float[] z = new float[n * c * hh * w];
            ByteBuffer.wrap(fb).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(z);
            return new LatentCache(JSON.convertValue(h, Map.class), n, c, hh, w, labels, z);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }

    public Map<String, Object> header() {
        return header;
    }

    public String bundleId() {
        return String.valueOf(header.get("bundleId"));
    }

    public int count() {
        return count;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int label(int i) {
        return labels[i];
    }

    public int numClasses() {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    /** The raw latents, [count, C, h, w] flattened; not copied, do not modify. */
    float[] data() {
        return latents;
    }

    /** Per-channel mean and standard deviation over all latents: [2][C]. */
    public double[][] channelStats() {
        int plane = height * width;
        double[] mean = new double[channels];
        double[] sq = new double[channels];
        for (int n = 0; n < count; n++) {
            for (int c = 0; c < channels; c++) {
                int base = (n * channels + c) * plane;
                for (int i = 0; i < plane; i++) {
                    double v = latents[base + i];
                    mean[c] += v;
                    sq[c] += v * v;
                }
            }
        }
        double total = (double) count * plane;
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] /= total;
            std[c] = Math.sqrt(Math.max(sq[c] / total - mean[c] * mean[c], 1e-12));
        }
        return new double[][] {mean, std};
    }
}
