package org.eqvae4j.fiji.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checksums and timestamps as the ImageJ updater (net.imagej:imagej-updater) computes them, so that the
 * updater accepts the files of a site we write: after downloading it recomputes the checksum of each
 * file and refuses a mismatch, and a checksum it does not know marks a local file "modified".
 *
 * <ul>
 *   <li>Any file but a jar: SHA-1 over the file's path relative to Fiji.app (ASCII, e.g.
 *       {@code models/eqvae4j/x/model.json}), then its bytes.</li>
 *   <li>A jar: SHA-1 over its entries sorted by name, each contributing its name (ASCII) and then its
 *       content, so that rebuilding a jar with other zip timestamps or entry order keeps its checksum.
 *       Two kinds of entries are filtered first: {@code *.properties} lose lines that start with '#'
 *       (Maven's pom.properties carries a build date there) by the updater's exact rule (see
 *       {@link #withoutHashedLines}); {@code META-INF/MANIFEST.MF} contributes no bytes at all (the
 *       updater means to keep only its Main-Class line, but compares the upper-cased line with
 *       "Main-Class:", which never matches, so nothing of it is kept).</li>
 *   <li>Timestamps are not epochs but the local date and time as a number: yyyyMMddHHmmss.</li>
 * </ul>
 */
public final class UpdaterChecksums {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    static final String MANIFEST = "META-INF/MANIFEST.MF";

    private UpdaterChecksums() {}

    /** The checksum the updater records for a file installed at {@code path} (relative to Fiji.app, '/' separated). */
    public static String checksum(String path, Path file) throws IOException {
        if (path.endsWith(".jar")) {
            return jarChecksum(file);
        }
        MessageDigest sha1 = sha1();
        sha1.update(path.getBytes(StandardCharsets.US_ASCII));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha1.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha1.digest());
    }

    /** The updater's checksum of a jar (see the class comment). */
    public static String jarChecksum(Path jar) throws IOException {
        MessageDigest sha1 = sha1();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<? extends ZipEntry> entries = new ArrayList<>(zip.stream().toList());
            entries.sort(Comparator.comparing(ZipEntry::getName));
            for (ZipEntry e : entries) {
                sha1.update(e.getName().getBytes(StandardCharsets.US_ASCII));
                if (e.getName().equals(MANIFEST)) {
                    continue;
                }
                byte[] content;
                try (InputStream in = zip.getInputStream(e)) {
                    content = in.readAllBytes();
                }
                if (e.getName().endsWith(".properties")) {
                    content = withoutHashedLines(content);
                }
                sha1.update(content);
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(jar + " is not a readable jar: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha1.digest());
    }

    /**
     * A .properties file as the updater digests it: a line that starts with '#' is reduced to its line
     * break. Two details of its rule matter for equal checksums: a line counts as starting only after a
     * line break that ended a non-empty line, so a '#' line right after an empty line is kept whole;
     * and a '#' line made of '#'s alone (or '#' right before the break) leaves the next line unfiltered.
     */
    static byte[] withoutHashedLines(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        boolean atLineStart = true;
        int i = 0;
        while (i < in.length) {
            int ch = in[i++] & 0xff;
            if (!atLineStart) {
                out.write(ch);
                atLineStart = ch == '\n';
                continue;
            }
            atLineStart = false;
            if (ch != '#') {
                out.write(ch); // also an empty line's break, after which the next line does not count as starting
                continue;
            }
            while (i < in.length && in[i] == '#') {
                i++;
            }
            if (i == in.length) {
                break;
            }
            if (in[i] == '\n') { // the '#'s ran up to the break: it is kept, and the next line is not "starting"
                out.write('\n');
                i++;
                continue;
            }
            while (i < in.length && in[i] != '\n') {
                i++;
            }
            if (i < in.length) {
                out.write('\n');
                i++;
                atLineStart = true;
            }
        }
        return out.toByteArray();
    }

    /** The updater's timestamp of an instant: local date and time as yyyyMMddHHmmss. */
    public static long timestamp(Instant t, ZoneId zone) {
        return Long.parseLong(TIMESTAMP.format(t.atZone(zone)));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
