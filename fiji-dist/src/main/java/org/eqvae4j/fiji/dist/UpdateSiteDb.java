package org.eqvae4j.fiji.dist;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * An ImageJ update site's index, {@code db.xml.gz}: one {@code <plugin>} element per file (its path in
 * Fiji.app, e.g. {@code jars/onnxruntime-1.28.0.jar}) with the current {@code <version>} (checksum,
 * timestamp, size, description, dependencies) and the {@code <previous-version>}s the updater uses to
 * recognise older installed copies. The site serves each version at {@code <path>-<timestamp>}.
 * The format is the updater's (XMLFileWriter / XMLFileReader; its DTD is repeated in the file).
 */
public final class UpdateSiteDb {
    public static final String FILE_NAME = "db.xml.gz";

    /** A file's entry; {@code current} is null for a file the site no longer ships (obsolete). */
    public record SiteFile(String filename, Version current, List<Previous> previous) {
        public SiteFile {
            previous = List.copyOf(previous);
        }

        /** Where the site serves the current version: {@code <filename>-<timestamp>}. */
        public String servedAs() {
            return filename + "-" + current.timestamp();
        }
    }

    /** The current version: checksum and timestamp as the updater computes them ({@link UpdaterChecksums}). */
    public record Version(
            String checksum, long timestamp, long filesize, String description, List<Dependency> dependencies) {
        public Version {
            dependencies = List.copyOf(dependencies);
        }
    }

    /** Another file this one needs (the updater installs it along). */
    public record Dependency(String filename, long timestamp) {}

    /** An earlier version: installed copies with this checksum are "update available", not "locally modified". */
    public record Previous(String filename, String checksum, long timestamp, long timestampObsolete) {}

    private static final String DTD = """
            <!DOCTYPE pluginRecords [
            <!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>
            <!ELEMENT update-site EMPTY>
            <!ELEMENT disabled-update-site EMPTY>
            <!ELEMENT plugin (platform*, category*, version?, previous-version*)>
            <!ELEMENT version (description?, dependency*, link*, author*)>
            <!ELEMENT previous-version EMPTY>
            <!ELEMENT description (#PCDATA)>
            <!ELEMENT dependency EMPTY>
            <!ELEMENT link (#PCDATA)>
            <!ELEMENT author (#PCDATA)>
            <!ELEMENT platform (#PCDATA)>
            <!ELEMENT category (#PCDATA)>
            <!ATTLIST update-site name CDATA #REQUIRED url CDATA #REQUIRED keep-url CDATA #IMPLIED official CDATA #IMPLIED
                ssh-host CDATA #IMPLIED upload-directory CDATA #IMPLIED description CDATA #IMPLIED maintainer CDATA #IMPLIED
                timestamp CDATA #REQUIRED>
            <!ATTLIST disabled-update-site name CDATA #REQUIRED url CDATA #REQUIRED keep-url CDATA #IMPLIED
                official CDATA #IMPLIED ssh-host CDATA #IMPLIED upload-directory CDATA #IMPLIED description CDATA #IMPLIED
                maintainer CDATA #IMPLIED timestamp CDATA #REQUIRED>
            <!ATTLIST plugin update-site CDATA #IMPLIED filename CDATA #REQUIRED executable CDATA #IMPLIED>
            <!ATTLIST dependency filename CDATA #REQUIRED timestamp CDATA #IMPLIED overrides CDATA #IMPLIED>
            <!ATTLIST version timestamp CDATA #REQUIRED checksum CDATA #REQUIRED filesize CDATA #REQUIRED>
            <!ATTLIST previous-version filename CDATA #IMPLIED timestamp CDATA #REQUIRED timestamp-obsolete CDATA #IMPLIED
                checksum CDATA #REQUIRED>
            ]>
            """;

    private UpdateSiteDb() {}

    /** Writes {@code db.xml.gz} (gzip of UTF-8 XML with the DTD inline). */
    public static void write(List<SiteFile> files, OutputStream out) throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(out))) {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(gz, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeDTD(DTD);
            x.writeStartElement("pluginRecords");
            for (SiteFile f : files) {
                x.writeCharacters("\n    ");
                x.writeStartElement("plugin");
                x.writeAttribute("filename", f.filename());
                if (f.current() != null) {
                    Version v = f.current();
                    x.writeCharacters("\n        ");
                    x.writeStartElement("version");
                    x.writeAttribute("checksum", v.checksum());
                    x.writeAttribute("timestamp", Long.toString(v.timestamp()));
                    x.writeAttribute("filesize", Long.toString(v.filesize()));
                    if (v.description() != null) {
                        x.writeCharacters("\n            ");
                        x.writeStartElement("description");
                        x.writeCharacters(v.description());
                        x.writeEndElement();
                    }
                    for (Dependency d : v.dependencies()) {
                        x.writeCharacters("\n            ");
                        x.writeEmptyElement("dependency");
                        x.writeAttribute("filename", d.filename());
                        x.writeAttribute("timestamp", Long.toString(d.timestamp()));
                    }
                    x.writeCharacters("\n        ");
                    x.writeEndElement();
                }
                for (Previous p : f.previous()) {
                    x.writeCharacters("\n        ");
                    x.writeEmptyElement("previous-version");
                    x.writeAttribute("timestamp", Long.toString(p.timestamp()));
                    x.writeAttribute("timestamp-obsolete", Long.toString(p.timestampObsolete()));
                    x.writeAttribute("checksum", p.checksum());
                    x.writeAttribute("filename", p.filename());
                }
                x.writeCharacters("\n    ");
                x.writeEndElement();
            }
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write " + FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    /** Reads a site's {@code db.xml.gz}. */
    public static List<SiteFile> read(Path db) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(db))) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // the inline DTD is read (not fetched: it has no external parts); external entities stay off
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            Element root = f.newDocumentBuilder().parse(in).getDocumentElement();
            if (!root.getNodeName().equals("pluginRecords")) {
                throw new IOException(
                        db + " is not an update site index (root <" + root.getNodeName() + ">, not <pluginRecords>)");
            }
            List<SiteFile> out = new ArrayList<>();
            for (Element p : ManagedVersions.children(root)) {
                if (!p.getNodeName().equals("plugin")) {
                    continue;
                }
                Version current = null;
                List<Previous> previous = new ArrayList<>();
                for (Element e : ManagedVersions.children(p)) {
                    if (e.getNodeName().equals("version")) {
                        List<Dependency> deps = new ArrayList<>();
                        String description = null;
                        for (Element d : ManagedVersions.children(e)) {
                            if (d.getNodeName().equals("dependency")) {
                                deps.add(new Dependency(d.getAttribute("filename"), longAttr(d, "timestamp")));
                            } else if (d.getNodeName().equals("description")) {
                                description = d.getTextContent();
                            }
                        }
                        current = new Version(
                                e.getAttribute("checksum"),
                                longAttr(e, "timestamp"),
                                longAttr(e, "filesize"),
                                description,
                                deps);
                    } else if (e.getNodeName().equals("previous-version")) {
                        previous.add(new Previous(
                                e.getAttribute("filename"),
                                e.getAttribute("checksum"),
                                longAttr(e, "timestamp"),
                                longAttr(e, "timestamp-obsolete")));
                    }
                }
                out.add(new SiteFile(p.getAttribute("filename"), current, previous));
            }
            return out;
        } catch (ParserConfigurationException | SAXException | NumberFormatException e) {
            throw new IOException("cannot read update site index " + db + ": " + e.getMessage(), e);
        }
    }

    private static long longAttr(Element e, String name) {
        String v = e.getAttribute(name);
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }
}
