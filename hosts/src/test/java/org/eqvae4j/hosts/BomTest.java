package org.eqvae4j.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** eqvae4j-bom (which has no parent) stays in step with the build: same version, every library module, the same ONNX Runtime. */
class BomTest {
    @Test
    void theBomManagesEveryLibraryModuleAtTheBuildsVersions() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("eqvae"))) {
            root = root.getParent();
        }
        Document parent = parse(root.resolve("pom.xml"));
        Document bom = parse(root.resolve("bom/pom.xml"));
        assertEquals(child(parent.getDocumentElement(), "version"), child(bom.getDocumentElement(), "version"), "bom version");
        assertEquals(property(parent, "onnxruntime.version"), property(bom, "onnxruntime.version"), "ONNX Runtime version");
        TreeSet<String> libraries = new TreeSet<>();
        for (String module : texts(parent.getDocumentElement(), "modules", "module")) {
            Element project = parse(root.resolve(module).resolve("pom.xml")).getDocumentElement();
            boolean isLibrary = !"pom".equals(child(project, "packaging")) && !module.startsWith("hosts/") && !module.equals("cli") && !module.equals("test-support");
            if (isLibrary) {
                libraries.add(child(project, "artifactId"));
            }
        }
        TreeSet<String> managed = new TreeSet<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (child(d, "groupId").equals("org.eqvae4j")) {
                assertEquals("${project.version}", child(d, "version"), child(d, "artifactId"));
                managed.add(child(d, "artifactId"));
            }
        }
        assertEquals(libraries, managed, "library modules (all but cli and the host tests) vs eqvae4j-bom");
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static String property(Document d, String name) {
        NodeList n = d.getElementsByTagName(name);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().trim();
    }

    /** The text of a direct child element, or null. */
    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }

    private static List<String> texts(Element project, String list, String item) {
        List<String> out = new ArrayList<>();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(list)) {
                NodeList items = c.getElementsByTagName(item);
                for (int i = 0; i < items.getLength(); i++) {
                    out.add(items.item(i).getTextContent().trim());
                }
            }
        }
        return out;
    }
}
