package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The shape of what we publish, read from the POMs: the BOM lists exactly the published jars (a
 * module of the root POM whose packaging is {@code jar} and that does not set
 * {@code maven.deploy.skip}), and every published jar has its own {@code module-info.java}, which
 * is also what switches on the {@code published-jar} profile ({@code -sources} and
 * {@code -javadoc} jars).
 */
class PublishingShapeTest {
    /** surefire runs in the module's directory: the root is its parent */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** A module of the root POM. */
    private record Module(String dir, String artifactId, String packaging, boolean deployed) {
        boolean published() {
            return packaging.equals("jar") && deployed;
        }
    }

    @Test
    void theBomListsEveryPublishedArtifactAndNothingElse() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        String groupId = text(root.getDocumentElement(), "groupId");
        String version = text(root.getDocumentElement(), "version");
        List<Module> modules = modules();
        Map<String, String> published = new TreeMap<>();
        modules.stream().filter(Module::published).forEach(m -> published.put(m.artifactId(), m.dir()));

        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        assertThat(text(bom.getDocumentElement(), "version")).as("the BOM's version").isEqualTo(version);
        TreeSet<String> listed = new TreeSet<>();
        Element management = child(bom.getDocumentElement(), "dependencyManagement");
        for (Element dependency : children(child(management, "dependencies"), "dependency")) {
            assertThat(text(dependency, "groupId")).as("groupId in bom/pom.xml").isEqualTo(groupId);
            assertThat(text(dependency, "version")).as("version of " + text(dependency, "artifactId"))
                    .isEqualTo("${project.version}");
            listed.add(text(dependency, "artifactId"));
        }

        assertThat(published.keySet())
                .as("published modules (root pom.xml <modules>, jar packaging, deployed) missing from bom/pom.xml")
                .isSubsetOf(listed);
        assertThat(listed).as("bom/pom.xml names artifacts that no published module builds")
                .isSubsetOf(published.keySet());
        assertThat(published).as("the published modules").hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void everyPublishedJarHasADescriptorSoItShipsSourcesAndJavadoc() throws Exception {
        for (Module m : modules()) {
            Path descriptor = ROOT.resolve(m.dir()).resolve("src/main/java/module-info.java");
            if (m.published()) {
                assertThat(descriptor).as(m.artifactId() + " is published: it needs a module-info.java (which also "
                        + "attaches its -sources and -javadoc jars)").exists();
            } else if (m.packaging().equals("jar")) {
                assertThat(descriptor).as(m.artifactId() + " is not published: a descriptor would attach javadoc "
                        + "to a jar nobody downloads").doesNotExist();
            }
        }
        // the profile that attaches them is switched on by that descriptor
        Element profile = children(child(parse(ROOT.resolve("pom.xml")).getDocumentElement(), "profiles"), "profile")
                .stream().filter(p -> text(p, "id").equals("published-jar")).findFirst().orElseThrow();
        assertThat(text(child(child(profile, "activation"), "file"), "exists"))
                .isEqualTo("${basedir}/src/main/java/module-info.java");
        List<String> plugins = children(child(child(profile, "build"), "plugins"), "plugin").stream()
                .map(p -> text(p, "artifactId")).collect(Collectors.toList());
        assertThat(plugins).contains("maven-source-plugin", "maven-javadoc-plugin");
    }

    private static List<Module> modules() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        List<Module> modules = new ArrayList<>();
        for (Element m : children(child(root.getDocumentElement(), "modules"), "module")) {
            String dir = m.getTextContent().trim();
            Path pom = ROOT.resolve(dir).resolve("pom.xml");
            assertThat(pom).as("module " + dir + " of the root pom.xml").exists();
            Element project = parse(pom).getDocumentElement();
            String packaging = optionalText(project, "packaging", "jar");
            Element properties = child(project, "properties");
            boolean skip = properties != null && optionalText(properties, "maven.deploy.skip", "false").equals("true");
            modules.add(new Module(dir, text(project, "artifactId"), packaging, !skip));
        }
        return modules;
    }

    private static Document parse(Path file) throws Exception {
        assertThat(Files.exists(file)).as(file.toString()).isTrue();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        assertThat(e).as("<" + name + "> in <" + (parent == null ? "?" : parent.getTagName()) + ">").isNotNull();
        return e.getTextContent().trim();
    }

    private static String optionalText(Element parent, String name, String otherwise) {
        Element e = child(parent, name);
        return e == null ? otherwise : e.getTextContent().trim();
    }
}
