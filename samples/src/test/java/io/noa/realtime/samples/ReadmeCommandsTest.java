package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The README's Maven command lines do what the README says, read from the POMs (running Maven
 * from a test would take minutes).
 *
 * <p>The demo line {@code mvn -pl samples -am package exec:java} runs {@code exec:java} in every
 * module it builds, so any module other than {@code samples} that switches {@code exec:java} on
 * unconditionally runs first and blocks the demo: testkit's command-line servers did (the line
 * started {@code MockInferenceServer} on port 8080 and never reached the demo). The testkit
 * servers start only when {@code -Dexec.mainClass=...} is given, as the README's testkit lines do.
 *
 * <p>The README's "Add it to your build" blocks (Maven and Gradle) name real coordinates: the
 * project's group and version, artifacts the BOM lists, and the Java release the build compiles for.
 */
class ReadmeCommandsTest {
    /** surefire runs in the module's directory: the root is its parent */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theDemoLineRunsExecJavaOnlyInSamples() throws Exception {
        List<String> running = new ArrayList<>();
        for (Element module : children(child(parse(ROOT.resolve("pom.xml")).getDocumentElement(), "modules"), "module")) {
            String dir = module.getTextContent().trim();
            if (dir.equals("samples")) {
                continue;
            }
            Element project = parse(ROOT.resolve(dir).resolve("pom.xml")).getDocumentElement();
            Element skip = execSkip(child(project, "build"));
            if (skip != null && !skip.getTextContent().trim().equals("true")) {
                running.add(dir + " (<skip>" + skip.getTextContent().trim() + "</skip> in its <build>)");
            }
        }
        assertThat(running).as("modules whose exec:java runs on `mvn -pl samples -am package exec:java` before the demo")
                .isEmpty();
    }

    @Test
    void theTestkitServersStartWhenAMainClassIsNamed() throws Exception {
        Element project = parse(ROOT.resolve("testkit/pom.xml")).getDocumentElement();
        Element enabling = null;
        for (Element profile : children(child(project, "profiles"), "profile")) {
            Element property = child(child(profile, "activation"), "property");
            Element skip = execSkip(child(profile, "build"));
            if (property != null && text(property, "name").equals("exec.mainClass") && skip != null
                    && skip.getTextContent().trim().equals("false")) {
                enabling = profile;
            }
        }
        assertThat(enabling).as("a testkit profile, active with -Dexec.mainClass, that sets the exec plugin's skip to false")
                .isNotNull();
    }

    @Test
    void theReadmesDependencyBlocksNameRealCoordinates() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        Element root = parse(ROOT.resolve("pom.xml")).getDocumentElement();
        String group = text(root, "groupId");
        String version = text(root, "version");
        Set<String> published = new TreeSet<>();
        Element bom = parse(ROOT.resolve("bom/pom.xml")).getDocumentElement();
        for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            published.add(text(d, "artifactId"));
        }
        published.add(text(bom, "artifactId"));

        String xml = block(readme, "```xml");
        Element snippet = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(("<root>" + xml + "</root>").getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        List<Element> deps = new ArrayList<>(children(child(child(snippet, "dependencyManagement"), "dependencies"),
                "dependency"));
        deps.addAll(children(child(snippet, "dependencies"), "dependency"));
        assertThat(deps).extracting(d -> text(d, "artifactId")).contains(text(bom, "artifactId"), "noa-realtime-api");
        for (Element d : deps) {
            assertThat(text(d, "groupId")).as("groupId in README's Maven block").isEqualTo(group);
            assertThat(published).as("artifacts the BOM lists (README's Maven block)").contains(text(d, "artifactId"));
            if (!text(d, "version").isEmpty()) {
                assertThat(text(d, "version")).as("version in README's Maven block").isEqualTo(version);
            }
        }

        Matcher gradle = Pattern.compile("\"" + Pattern.quote(group) + ":([\\w-]+)(?::([^\"]+))?\"")
                .matcher(block(readme, "```kotlin"));
        int found = 0;
        while (gradle.find()) {
            found++;
            assertThat(published).as("artifacts the BOM lists (README's Gradle block)").contains(gradle.group(1));
            if (gradle.group(2) != null) {
                assertThat(gradle.group(2)).as("version in README's Gradle block").isEqualTo(version);
            }
        }
        assertThat(found).as("coordinates in README's Gradle block").isGreaterThanOrEqualTo(3);
        assertThat(readme).contains("Java " + text(child(root, "properties"), "maven.compiler.release") + " or newer")
                .contains("version `" + version + "`").contains("Group `" + group + "`");
    }

    private static String block(String readme, String fence) {
        int start = readme.indexOf(fence);
        assertThat(start).as("a " + fence + " block in README.md").isNotNegative();
        int from = readme.indexOf('\n', start) + 1;
        return readme.substring(from, readme.indexOf("```", from));
    }

    /** The {@code <skip>} of the exec plugin's configuration in a {@code <build>}, or null. */
    private static Element execSkip(Element build) {
        for (Element plugin : children(child(build, "plugins"), "plugin")) {
            if (text(plugin, "artifactId").equals("exec-maven-plugin")) {
                return child(child(plugin, "configuration"), "skip");
            }
        }
        return null;
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                return (Element) n;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().trim();
    }
}
