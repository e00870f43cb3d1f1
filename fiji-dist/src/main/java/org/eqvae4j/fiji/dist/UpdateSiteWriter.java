package org.eqvae4j.fiji.dist;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eqvae4j.fiji.dist.UpdateSiteDb.Dependency;
import org.eqvae4j.fiji.dist.UpdateSiteDb.Previous;
import org.eqvae4j.fiji.dist.UpdateSiteDb.SiteFile;
import org.eqvae4j.fiji.dist.UpdateSiteDb.Version;

/**
 * Writes (or updates) an ImageJ update site folder: {@code db.xml.gz} and each file at
 * {@code <path in Fiji.app>-<timestamp>}, as the updater's uploader leaves a site. Writing into an
 * existing site keeps what the updater needs across releases: an unchanged file keeps its timestamp (no
 * download), a changed one gets a new timestamp and its old checksum becomes a previous version
 * (installed old copies show as updatable, not as locally modified), and a file no longer shipped
 * stays listed as obsolete (the updater offers to remove it). A jar whose version changed
 * ({@code onnxruntime-1.28.0.jar} to {@code -1.29.0.jar}) is the same entry, as for the updater.
 */
public final class UpdateSiteWriter {
    /** name-version.jar; the updater, too, treats other versions of a jar as the same file. */
    private static final Pattern VERSIONED_JAR = Pattern.compile("^(.+?)-(\\d[^/]*)\\.jar$");

    /**
     * One file to ship.
     *
     * @param filename  its path in Fiji.app ('/' separated): {@code plugins/x_.jar}, {@code jars/y-1.0.jar}, {@code models/...}
     * @param dependsOn filenames of other entries it needs (the updater installs them along)
     */
    public record Entry(String filename, Path source, String description, List<String> dependsOn) {
        public Entry {
            if (filename.startsWith("/") || filename.contains("\\") || filename.contains("..") || filename.isBlank()) {
                throw new IllegalArgumentException(
                        "update site file name must be a relative '/' path inside Fiji.app, got '" + filename + "'");
            }
            dependsOn = List.copyOf(dependsOn);
        }
    }

    /** What a write did: the index written, and which files were new versions, unchanged or made obsolete. */
    public record Report(List<SiteFile> files, List<String> written, List<String> unchanged, List<String> obsoleted) {}

    private UpdateSiteWriter() {}

    public static Report write(List<Entry> entries, Path site, Instant now, ZoneId zone) throws IOException {
        long ts = UpdaterChecksums.timestamp(now, zone);
        Files.createDirectories(site);
        Path dbFile = site.resolve(UpdateSiteDb.FILE_NAME);
        Map<String, SiteFile> old = new LinkedHashMap<>();
        if (Files.exists(dbFile)) {
            for (SiteFile f : UpdateSiteDb.read(dbFile)) {
                old.put(key(f.filename()), f);
            }
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (byName.put(key(e.filename()), e) != null) {
                throw new IllegalArgumentException(
                        "two files for " + e.filename() + " (another version of it is also listed)");
            }
            if (!Files.isRegularFile(e.source())) {
                throw new IOException("missing file for " + e.filename() + ": " + e.source());
            }
        }
        List<String> written = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> obsoleted = new ArrayList<>();
        Map<String, Version> versions = new HashMap<>();
        Map<String, List<Previous>> previous = new HashMap<>();
        for (Entry e : byName.values()) {
            String checksum = UpdaterChecksums.checksum(e.filename(), e.source());
            long size = Files.size(e.source());
            SiteFile before = old.remove(key(e.filename()));
            List<Previous> prev = new ArrayList<>(before == null ? List.of() : before.previous());
            Version cur = before == null ? null : before.current();
            long timestamp;
            if (cur != null
                    && cur.checksum().equals(checksum)
                    && before.filename().equals(e.filename())) {
                timestamp = cur.timestamp();
                Path served = site.resolve(e.filename() + "-" + timestamp);
                if (!Files.exists(served) || Files.size(served) != size) {
                    copy(e.source(), served);
                }
                unchanged.add(e.filename());
            } else {
                if (cur != null) {
                    if (cur.timestamp() >= ts) {
                        throw new IOException("the site's " + before.filename() + " is dated " + cur.timestamp()
                                + ", not before now (" + ts + "): wait a second and write again, or check the clock");
                    }
                    prev.add(new Previous(before.filename(), cur.checksum(), cur.timestamp(), ts));
                }
                timestamp = ts;
                copy(e.source(), site.resolve(e.filename() + "-" + timestamp));
                written.add(e.filename());
            }
            versions.put(e.filename(), new Version(checksum, timestamp, size, e.description(), List.of()));
            previous.put(e.filename(), prev);
        }
        List<SiteFile> out = new ArrayList<>();
        for (Entry e : byName.values()) {
            Version v = versions.get(e.filename());
            List<Dependency> deps = new ArrayList<>();
            for (String d : e.dependsOn()) {
                Version dv = versions.get(d);
                if (dv == null) {
                    throw new IllegalArgumentException(
                            e.filename() + " depends on " + d + ", which is not on the site");
                }
                deps.add(new Dependency(d, dv.timestamp()));
            }
            out.add(new SiteFile(
                    e.filename(),
                    new Version(v.checksum(), v.timestamp(), v.filesize(), v.description(), deps),
                    previous.get(e.filename())));
        }
        for (SiteFile gone : old.values()) {
            if (gone.current() == null) {
                out.add(gone);
                continue;
            }
            List<Previous> prev = new ArrayList<>(gone.previous());
            prev.add(new Previous(
                    gone.filename(), gone.current().checksum(), gone.current().timestamp(), ts));
            out.add(new SiteFile(gone.filename(), null, prev));
            obsoleted.add(gone.filename());
        }
        out.sort(Comparator.comparing(SiteFile::filename));
        Path tmp = Files.createTempFile(site, ".db", ".tmp");
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) {
                UpdateSiteDb.write(out, o);
            }
            Files.move(tmp, dbFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Report(List.copyOf(out), written, unchanged, obsoleted);
    }

    /**
     * Reads a site back as the updater would use it: every current file must be served at
     * {@code <path>-<timestamp>} with the listed size and the checksum the updater computes after
     * downloading it, and every dependency must be on the site. Returns the problems (none: a good site).
     */
    public static List<String> verify(Path site) throws IOException {
        Path db = site.resolve(UpdateSiteDb.FILE_NAME);
        if (!Files.isRegularFile(db)) {
            return List.of("no " + UpdateSiteDb.FILE_NAME + " in " + site);
        }
        List<SiteFile> files = UpdateSiteDb.read(db);
        Map<String, SiteFile> byName = new HashMap<>();
        files.forEach(f -> byName.put(f.filename(), f));
        List<String> problems = new ArrayList<>();
        for (SiteFile f : files) {
            if (f.current() == null) {
                continue;
            }
            Path served = site.resolve(f.servedAs());
            if (!Files.isRegularFile(served)) {
                problems.add(f.filename() + ": " + f.servedAs() + " is missing");
                continue;
            }
            if (Files.size(served) != f.current().filesize()) {
                problems.add(f.filename() + ": " + f.servedAs() + " has " + Files.size(served)
                        + " bytes, the index says " + f.current().filesize());
            }
            String actual = UpdaterChecksums.checksum(f.filename(), served);
            if (!actual.equals(f.current().checksum())) {
                problems.add(f.filename() + ": checksum " + actual + ", the index says "
                        + f.current().checksum());
            }
            for (Dependency d : f.current().dependencies()) {
                SiteFile target = byName.get(d.filename());
                if (target == null || target.current() == null) {
                    problems.add(f.filename() + ": depends on " + d.filename() + ", which the site does not ship");
                } else if (target.current().timestamp() != d.timestamp()) {
                    problems.add(f.filename() + ": depends on " + d.filename() + " of " + d.timestamp()
                            + ", the site has " + target.current().timestamp());
                }
            }
        }
        return problems;
    }

    /** The name without a jar's version: one entry per library, whichever version. */
    static String key(String filename) {
        Matcher m = VERSIONED_JAR.matcher(filename);
        return m.matches() ? m.group(1) + ".jar" : filename;
    }

    private static void copy(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".part", ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
