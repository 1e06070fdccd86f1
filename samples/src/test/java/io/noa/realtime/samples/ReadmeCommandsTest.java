package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
