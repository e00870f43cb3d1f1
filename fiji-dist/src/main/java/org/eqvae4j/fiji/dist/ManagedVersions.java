package org.eqvae4j.fiji.dist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The library versions a BOM manages, read from its POM: {@code <dependencyManagement>} entries with
 * their {@code ${...}} versions resolved through the POM's own {@code <properties>}. Used on
 * {@code org.scijava:pom-scijava}, which names the version of every jar Fiji ships (and has no imports of
 * its own, so the one file says it all).
 */
public final class ManagedVersions {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    private static final String UNRESOLVED = "\0unresolved:";

    private final Path source;
    private final String bomVersion;
    private final Map<String, String> versions;

    private ManagedVersions(Path source, String bomVersion, Map<String, String> versions) {
        this.source = source;
        this.bomVersion = bomVersion;
        this.versions = versions;
    }

    /** Reads a BOM's POM file. */
    public static ManagedVersions read(Path pom) throws IOException {
        Document doc = parse(pom);
        Element project = doc.getDocumentElement();
        if (!"project".equals(project.getNodeName())) {
            throw new IOException(pom + " is not a Maven POM (root element <" + project.getNodeName() + ">)");
        }
        Map<String, String> properties = new HashMap<>();
        Element props = child(project, "properties");
        if (props != null) {
            for (Element p : children(props)) {
                properties.put(p.getNodeName(), p.getTextContent().trim());
            }
        }
        String version = text(project, "version");
        String groupId = text(project, "groupId");
        properties.put("project.version", version);
        properties.put("project.groupId", groupId);
        Map<String, String> out = new LinkedHashMap<>();
        Element mgmt = child(project, "dependencyManagement");
        Element deps = mgmt == null ? null : child(mgmt, "dependencies");
        if (deps == null) {
            throw new IOException(pom + " has no <dependencyManagement>: it is not a BOM");
        }
        for (Element d : children(deps)) {
            String g = resolve(text(d, "groupId"), properties, pom);
            String a = resolve(text(d, "artifactId"), properties, pom);
            // a few versions use properties of the BOM's parent (kotlin.version in pom-scijava-base): such an
            // entry only fails when it is asked for
            String v;
            try {
                v = resolve(text(d, "version"), properties, pom);
            } catch (IOException e) {
                v = UNRESOLVED + e.getMessage();
            }
            String classifier = text(d, "classifier");
            // the plain jar's version; a classifier variant (natives, tests) shares it in pom-scijava
            if (classifier == null || classifier.isBlank()) {
                out.put(g + ":" + a, v);
            } else {
                out.putIfAbsent(g + ":" + a, v);
            }
        }
        return new ManagedVersions(pom, version, Map.copyOf(out));
    }

    /** The version the BOM manages for groupId:artifactId, if it manages it. */
    public Optional<String> version(String groupId, String artifactId) {
        String v = versions.get(groupId + ":" + artifactId);
        if (v != null && v.startsWith(UNRESOLVED)) {
            throw new IllegalStateException(v.substring(UNRESOLVED.length()));
        }
        return Optional.ofNullable(v);
    }

    /** The BOM's own version (45.0.0 for pom-scijava 45.0.0). */
    public String bomVersion() {
        return bomVersion;
    }

    public int size() {
        return versions.size();
    }

    public Path source() {
        return source;
    }

    /** A dependency whose version differs from the managed one: "g:a ours X, managed Y". */
    public record Mismatch(String groupId, String artifactId, String ours, String managed) {
        @Override
        public String toString() {
            return groupId + ":" + artifactId + " is " + ours + ", the BOM manages " + managed;
        }
    }

    /** The artifacts among {@code artifacts} that the BOM manages at another version. */
    public List<Mismatch> mismatches(List<MavenArtifact> artifacts) {
        List<Mismatch> out = new ArrayList<>();
        for (MavenArtifact a : artifacts) {
            version(a.groupId(), a.artifactId())
                    .filter(v -> !v.equals(a.version()))
                    .ifPresent(v -> out.add(new Mismatch(a.groupId(), a.artifactId(), a.version(), v)));
        }
        return out;
    }

    private static String resolve(String value, Map<String, String> properties, Path pom) throws IOException {
        if (value == null) {
            return null;
        }
        String v = value;
        for (int depth = 0; depth < 16 && v.contains("${"); depth++) {
            Matcher m = PROPERTY.matcher(v);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String p = properties.get(m.group(1));
                if (p == null) {
                    throw new IOException(
                            pom + ": property ${" + m.group(1) + "} (in '" + value + "') is not defined in the POM");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(p));
            }
            m.appendTail(sb);
            v = sb.toString();
        }
        if (v.contains("${")) {
            throw new IOException(pom + ": '" + value + "' does not resolve (circular properties?)");
        }
        return v;
    }

    private static Document parse(Path pom) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read POM " + pom + ": " + e.getMessage(), e);
        }
    }

    static Element child(Element parent, String name) {
        for (Element e : children(parent)) {
            if (e.getNodeName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
