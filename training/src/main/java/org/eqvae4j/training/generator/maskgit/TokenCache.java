package org.eqvae4j.training.generator.maskgit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;
import org.eqvae4j.training.data.Image8;

/**
 * Token grids of a labelled image set, encoded once by a VQ bundle and kept on disk so that generator
 * training reads tokens instead of running the encoder. File layout: the 8 bytes {@code EQVAETOK}, a
 * little-endian int32 header length, a UTF-8 JSON header ({@code bundleId}, {@code codebookSize},
 * {@code height}, {@code width}, {@code count}, {@code numClasses}, {@code source}), then {@code count * h * w}
 * little-endian uint16 tokens (row-major [N, h, w]) and {@code count} uint8 labels.
 */
public final class TokenCache {
    private static final byte[] MAGIC = "EQVAETOK".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the header says. */
    public record Header(
            String bundleId, int codebookSize, int height, int width, int count, int numClasses, String source) {}

    private final Header header;
    private final short[] tokens;
    private final byte[] labels;

    private TokenCache(Header header, short[] tokens, byte[] labels) {
        this.header = header;
        this.tokens = tokens;
        this.labels = labels;
    }

    /**
     * Encodes {@code images} (each padded to the model's input size first when {@code padTo} > 0) in
     * batches of {@code batch} and keeps their labels.
     */
    public static TokenCache encode(
            Autoencoder vq, List<Image8> images, int[] labels, int numClasses, int padTo, int batch, String source)
            throws IOException {
        if (images.size() != labels.length) {
            throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
        }
        if (vq.manifest().codebookSize() == null) {
            throw new IllegalArgumentException(
                    "bundle " + vq.manifest().id() + " is " + vq.manifest().kind() + ", not a VQ model");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses || labels[i] > 255) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of image " + i + " is outside 0.." + (numClasses - 1));
            }
        }
        List<short[]> parts = new ArrayList<>();
        int h = -1;
        int w = -1;
        try {
            for (int from = 0; from < images.size(); from += batch) {
                int n = Math.min(batch, images.size() - from);
                List<FloatTensor> xs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Image8 img = padTo > 0 ? images.get(from + i).padded(padTo) : images.get(from + i);
                    xs.add(toTensor(img));
                }
                TokenGrid g = vq.encodeIndices(FloatTensor.stack(xs));
                h = g.height();
                w = g.width();
                int[] t = g.tokens();
                short[] s = new short[t.length];
                for (int i = 0; i < t.length; i++) {
                    s[i] = (short) t[i];
                }
                parts.add(s);
            }
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("encoding tokens with " + vq.manifest().id() + " failed: " + e.getMessage(), e);
        }
        short[] all = new short[images.size() * h * w];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        byte[] lb = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            lb[i] = (byte) labels[i];
        }
        return new TokenCache(
                new Header(vq.manifest().id(), vq.manifest().codebookSize(), h, w, images.size(), numClasses, source),
                all,
                lb);
    }

    private static FloatTensor toTensor(Image8 img) {
        float[] v = new float[img.data().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (img.data()[i] & 0xff) / 255f;
        }
        return new FloatTensor(1, img.channels(), img.height(), img.width(), v);
    }

    public void write(Path file) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("format", "eqvae4j-tokens");
        h.put("formatVersion", 1);
        h.put("bundleId", header.bundleId());
        h.put("codebookSize", header.codebookSize());
        h.put("height", header.height());
        h.put("width", header.width());
        h.put("count", header.count());
        h.put("numClasses", header.numClasses());
        h.put("source", header.source());
        byte[] json = JSON.writeValueAsBytes(h);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + json.length + tokens.length * 2 + labels.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(json.length).put(json);
        for (short t : tokens) {
            buf.putShort(t);
        }
        buf.put(labels);
        AtomicFiles.write(file, out -> out.write(buf.array()));
    }

    public static TokenCache read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a token cache (it does not start with EQVAETOK)");
            }
            int len = Integer.reverseBytes(in.readInt());
            if (len <= 0 || len > 1 << 20) {
                throw new IOException(file + ": implausible header length " + len);
            }
            byte[] json = new byte[len];
            in.readFully(json);
            var node = JSON.readTree(json);
            Header h = new Header(
                    node.path("bundleId").asText(null),
                    node.path("codebookSize").asInt(-1),
                    node.path("height").asInt(-1),
                    node.path("width").asInt(-1),
                    node.path("count").asInt(-1),
                    node.path("numClasses").asInt(-1),
                    node.path("source").asText(""));
            if (h.bundleId() == null
                    || h.codebookSize() < 2
                    || h.codebookSize() > 65536
                    || h.height() < 1
                    || h.width() < 1
                    || h.count() < 1
                    || h.numClasses() < 1) {
                throw new IOException(file + ": bad token cache header " + new String(json, StandardCharsets.UTF_8));
            }
            byte[] tb = new byte[h.count() * h.height() * h.width() * 2];
            in.readFully(tb);
            ByteBuffer bb = ByteBuffer.wrap(tb).order(ByteOrder.LITTLE_ENDIAN);
            short[] tokens = new short[tb.length / 2];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = bb.getShort();
                if ((tokens[i] & 0xffff) >= h.codebookSize()) {
                    throw new IOException(file + ": token " + (tokens[i] & 0xffff) + " at position " + i
                            + " is outside the codebook of " + h.codebookSize());
                }
            }
            byte[] labels = new byte[h.count()];
            in.readFully(labels);
            for (int i = 0; i < labels.length; i++) {
                if ((labels[i] & 0xff) >= h.numClasses()) {
                    throw new IOException(file + ": label " + (labels[i] & 0xff) + " of item " + i + " is outside 0.."
                            + (h.numClasses() - 1));
                }
            }
            return new TokenCache(h, tokens, labels);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }

    public Header header() {
        return header;
    }

    public int size() {
        return header.count();
    }

    public int tokensPerItem() {
        return header.height() * header.width();
    }

    /** Token {@code i} of item {@code n}. */
    public int token(int n, int i) {
        return tokens[n * tokensPerItem() + i] & 0xffff;
    }

    public int label(int n) {
        return labels[n] & 0xff;
    }

    /** Fails naming both ids when the cache was encoded by another bundle. */
    public TokenCache requireBundle(String bundleId, Path file) {
        if (!header.bundleId().equals(bundleId)) {
            throw new IllegalArgumentException("token cache " + file + " was encoded by bundle '" + header.bundleId()
                    + "', not by '" + bundleId + "'; encode the tokens again with that bundle");
        }
        return this;
    }
}
