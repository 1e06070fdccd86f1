package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java example in README.md and in the javadoc of the published jars is a verbatim copy of
 * a region of code that compiles and runs (the samples, run by their tests). Each example carries
 * a marker naming its source, on the line right before it:
 *
 * <pre>
 * README:   &lt;!-- snippet: samples/src/main/java/io/noa/realtime/samples/RoomDemo.java#client --&gt;
 *           ```java
 * javadoc:  * &lt;!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#send --&gt;
 *           * &lt;pre&gt;{&#64;code
 * </pre>
 *
 * and the region is the lines between {@code // region:NAME} and {@code // endregion:NAME} in
 * that file (several such blocks are joined; marker lines of other regions inside are dropped;
 * common indentation is removed). This test fails when an example has no marker, names a file or
 * region that does not exist, or differs from its region by one character.
 */
class SnippetsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([^#\\s]+)#([\\w.-]+) -->");
    /** The published jars whose javadoc examples are checked. */
    private static final List<String> JAVADOC_MODULES = List.of("api", "reactive-rx", "reactive-reactor", "tck",
            "transport-jdk", "transport-netty", "dagger", "testkit");

    @Test
    void everyJavaBlockInTheReadmeIsARegionOfARunSample() {
        List<String> readme = lines(ROOT.resolve("README.md"));
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).startsWith("```java")) {
                continue;
            }
            int end = i + 1;
            while (end < readme.size() && !readme.get(end).startsWith("```")) {
                end++;
            }
            List<String> block = readme.subList(i + 1, end);
            String where = "README.md:" + (i + 1);
            checked++;
            check(where, i > 0 ? readme.get(i - 1) : "", block, problems);
            i = end;
        }
        assertThat(problems).as("README examples that drifted from their source").isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @Test
    void everyJavadocExampleOfAPublishedJarIsARegionOfARunSample() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String module : JAVADOC_MODULES) {
            List<Path> sources;
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                sources = files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
            }
            for (Path source : sources) {
                List<String> text = lines(source);
                for (int i = 0; i < text.size(); i++) {
                    if (!text.get(i).trim().equals("* <pre>{@code")) {
                        continue;
                    }
                    int end = i + 1;
                    while (end < text.size() && !text.get(end).trim().equals("* }</pre>")) {
                        end++;
                    }
                    List<String> block = text.subList(i + 1, end).stream()
                            .map(l -> l.replaceFirst("^\\s*\\* ?", "")).collect(Collectors.toList());
                    String where = ROOT.relativize(source) + ":" + (i + 1);
                    checked++;
                    check(where, i > 0 ? text.get(i - 1) : "", block, problems);
                    i = end;
                }
            }
        }
        assertThat(problems).as("javadoc examples without a marker or drifted from their source").isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(27);
    }

    @Test
    void aChangedLineIsCaught() {
        List<String> problems = new ArrayList<>();
        String marker = "<!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#message -->";
        check("x", marker, List.of("List<Message> messages = List.of(", "        Message.system(\"You are terse.\"),",
                "        Message.user(\"Weather in Oslo?\"));"), problems);
        assertThat(problems).isEmpty();
        check("y", marker, List.of("List<Message> messages = List.of(", "        Message.system(\"You are terse!\"),",
                "        Message.user(\"Weather in Oslo?\"));"), problems);
        assertThat(problems).singleElement().asString().contains("y", "You are terse!");
        problems.clear();
        check("z", "", List.of("whatever();"), problems);
        assertThat(problems).singleElement().asString().contains("z", "no marker");
    }

    private static void check(String where, String previousLine, List<String> block, List<String> problems) {
        Matcher m = MARKER.matcher(previousLine);
        if (!m.find()) {
            problems.add(where + ": no marker '<!-- snippet: path#region -->' on the line before the example");
            return;
        }
        Path file = ROOT.resolve(m.group(1));
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": the marker names " + m.group(1) + ", which does not exist");
            return;
        }
        List<String> region = region(lines(file), m.group(2));
        if (region.isEmpty()) {
            problems.add(where + ": " + m.group(1) + " has no region '" + m.group(2) + "'");
            return;
        }
        List<String> shown = dedent(block);
        if (!shown.equals(region)) {
            problems.add(where + ": differs from " + m.group(1) + "#" + m.group(2) + "\n--- shown:\n"
                    + String.join("\n", shown) + "\n--- source:\n" + String.join("\n", region));
        }
    }

    static List<String> region(List<String> file, String name) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        for (String line : file) {
            String t = line.trim();
            if (t.equals("// region:" + name)) {
                inside = true;
            } else if (t.equals("// endregion:" + name)) {
                inside = false;
            } else if (inside && !t.startsWith("// region:") && !t.startsWith("// endregion:")) {
                out.add(line);
            }
        }
        return dedent(out);
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing())
                .collect(Collectors.toList());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
