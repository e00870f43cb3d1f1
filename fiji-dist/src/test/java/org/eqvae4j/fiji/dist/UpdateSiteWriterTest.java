package org.eqvae4j.fiji.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.SAXParserFactory;
import org.eqvae4j.fiji.dist.UpdateSiteDb.SiteFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** Writing a site, reading it back as the updater does, and updating it across releases. */
class UpdateSiteWriterTest {
    static final ZoneId UTC = ZoneId.of("UTC");
    static final Instant T1 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant T2 = Instant.parse("2026-12-02T11:30:05Z");

    @TempDir
    Path tmp;

    Path site;
    Path src;

    @BeforeEach
    void files() throws IOException {
        site = tmp.resolve("site");
        src = Files.createDirectories(tmp.resolve("src"));
        UpdaterChecksumsTest.jar(src.resolve("x_-1.0.jar"), new String[][] {{"X.class", "x1"}});
        UpdaterChecksumsTest.jar(src.resolve("lib-2.0.jar"), new String[][] {{"L.class", "l2"}});
        Files.writeString(src.resolve("model.json"), "{\"id\":\"m\"}");
    }

    List<UpdateSiteWriter.Entry> release1() {
        return List.of(
                new UpdateSiteWriter.Entry("jars/lib-2.0.jar", src.resolve("lib-2.0.jar"), "lib", List.of()),
                new UpdateSiteWriter.Entry(
                        "plugins/x_-1.0.jar", src.resolve("x_-1.0.jar"), "the plugin", List.of("jars/lib-2.0.jar")),
                new UpdateSiteWriter.Entry(
                        "models/eqvae4j/m/model.json", src.resolve("model.json"), "a model", List.of()));
    }

    static Map<String, SiteFile> byName(List<SiteFile> files) {
        return files.stream().collect(Collectors.toMap(SiteFile::filename, Function.identity()));
    }

    @Test
    void writesTheUpdatersLayoutAndReadsBack() throws Exception {
        UpdateSiteWriter.Report r = UpdateSiteWriter.write(release1(), site, T1, UTC);
        assertEquals(3, r.written().size());
        Map<String, SiteFile> db = byName(UpdateSiteDb.read(site.resolve("db.xml.gz")));
        assertEquals(3, db.size());
        for (UpdateSiteWriter.Entry e : release1()) {
            SiteFile f = db.get(e.filename());
            assertEquals(20261201100000L, f.current().timestamp());
            Path served = site.resolve(e.filename() + "-20261201100000");
            assertTrue(Files.isRegularFile(served), served + " missing");
            assertEquals(Files.size(e.source()), f.current().filesize());
            assertEquals(
                    UpdaterChecksums.checksum(e.filename(), served), f.current().checksum());
            assertEquals(e.description(), f.current().description());
        }
        assertEquals(
                List.of(new UpdateSiteDb.Dependency("jars/lib-2.0.jar", 20261201100000L)),
                db.get("plugins/x_-1.0.jar").current().dependencies());
        assertEquals(List.of(), UpdateSiteWriter.verify(site));
        validateAgainstItsDtd(site.resolve("db.xml.gz"));
    }

    /** The updater's uploader validates db.xml against the DTD it embeds: ours must pass the same check. */
    static void validateAgainstItsDtd(Path db) throws Exception {
        SAXParserFactory f = SAXParserFactory.newInstance();
        f.setValidating(true);
        List<String> errors = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(db))) {
            f.newSAXParser().parse(in, new DefaultHandler() {
                @Override
                public void error(SAXParseException e) {
                    errors.add(e.getMessage());
                }
            });
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void nextReleaseKeepsUnchangedFilesAndRecordsPreviousVersions() throws Exception {
        UpdateSiteWriter.write(release1(), site, T1, UTC);
        String oldLib = UpdaterChecksums.checksum("jars/lib-2.0.jar", src.resolve("lib-2.0.jar"));
        UpdaterChecksumsTest.jar(src.resolve("lib-2.1.jar"), new String[][] {{"L.class", "l2.1"}});
        List<UpdateSiteWriter.Entry> release2 = List.of(
                new UpdateSiteWriter.Entry("jars/lib-2.1.jar", src.resolve("lib-2.1.jar"), "lib", List.of()),
                new UpdateSiteWriter.Entry(
                        "plugins/x_-1.0.jar", src.resolve("x_-1.0.jar"), "the plugin", List.of("jars/lib-2.1.jar")));
        UpdateSiteWriter.Report r = UpdateSiteWriter.write(release2, site, T2, UTC);
        assertEquals(List.of("jars/lib-2.1.jar"), r.written());
        assertEquals(List.of("plugins/x_-1.0.jar"), r.unchanged());
        assertEquals(List.of("models/eqvae4j/m/model.json"), r.obsoleted());

        Map<String, SiteFile> db = byName(UpdateSiteDb.read(site.resolve("db.xml.gz")));
        assertFalse(db.containsKey("jars/lib-2.0.jar"), "another version of a jar is the same entry");
        SiteFile lib = db.get("jars/lib-2.1.jar");
        assertEquals(20261202113005L, lib.current().timestamp());
        assertEquals(
                List.of(new UpdateSiteDb.Previous("jars/lib-2.0.jar", oldLib, 20261201100000L, 20261202113005L)),
                lib.previous());
        SiteFile plugin = db.get("plugins/x_-1.0.jar");
        assertEquals(20261201100000L, plugin.current().timestamp(), "unchanged: no new download");
        assertEquals(
                List.of(new UpdateSiteDb.Dependency("jars/lib-2.1.jar", 20261202113005L)),
                plugin.current().dependencies());
        SiteFile model = db.get("models/eqvae4j/m/model.json");
        assertNull(model.current(), "no longer shipped: obsolete");
        assertEquals(20261202113005L, model.previous().get(0).timestampObsolete());
        assertEquals(List.of(), UpdateSiteWriter.verify(site));
        validateAgainstItsDtd(site.resolve("db.xml.gz"));

        // writing the same release again changes nothing
        UpdateSiteWriter.Report again = UpdateSiteWriter.write(release2, site, T2.plusSeconds(60), UTC);
        assertEquals(List.of(), again.written());
        assertEquals(r.files(), again.files());
    }

    @Test
    void verifyFindsAServedFileThatDoesNotMatchItsChecksum() throws Exception {
        UpdateSiteWriter.write(release1(), site, T1, UTC);
        Path served = site.resolve("models/eqvae4j/m/model.json-20261201100000");
        Files.writeString(served, "{\"id\":\"M\"}");
        List<String> problems = UpdateSiteWriter.verify(site);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("models/eqvae4j/m/model.json: checksum"), problems.get(0));
        Files.delete(site.resolve("jars/lib-2.0.jar-20261201100000"));
        assertTrue(UpdateSiteWriter.verify(site).stream()
                .anyMatch(p -> p.contains("jars/lib-2.0.jar-20261201100000 is missing")));
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new UpdateSiteWriter.Entry("../x.jar", src, "", List.of()));
        List<UpdateSiteWriter.Entry> missingDep = List.of(new UpdateSiteWriter.Entry(
                "plugins/x_-1.0.jar", src.resolve("x_-1.0.jar"), "", List.of("jars/nothere-1.jar")));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> UpdateSiteWriter.write(missingDep, site, T1, UTC));
        assertTrue(e.getMessage().contains("jars/nothere-1.jar"), e.getMessage());
        List<UpdateSiteWriter.Entry> twoVersions = List.of(
                new UpdateSiteWriter.Entry("jars/lib-2.0.jar", src.resolve("lib-2.0.jar"), "", List.of()),
                new UpdateSiteWriter.Entry("jars/lib-2.1.jar", src.resolve("lib-2.0.jar"), "", List.of()));
        assertThrows(IllegalArgumentException.class, () -> UpdateSiteWriter.write(twoVersions, site, T1, UTC));
    }
}
