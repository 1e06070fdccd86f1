package io.noa.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code src/main/java/module-info.java} true as packages come and go: every package under
 * {@code src/main/java} is either exported to everyone (public API) or listed in {@link #INTERNAL}
 * (deliberately not API). A new package that is neither fails here, so it cannot be forgotten by
 * the descriptor and silently hidden from users (or silently exported).
 */
class ModuleDescriptorTest {
    /**
     * Packages that are deliberately not exported. Add a package here only if it is not API (and
     * say so in its {@code package-info.java}); otherwise add {@code exports <package>;} to
     * {@code module-info.java}.
     */
    static final Set<String> INTERNAL = Set.of("io.noa.realtime.internal");

    /** The only module an internal package may be exported to, by a qualified export (DESIGN.md §1). */
    static final Set<String> QUALIFIED_EXPORT_TARGETS = Set.of("io.noa.realtime.tck");

    private static ModuleDescriptor descriptor;
    private static Set<String> sourcePackages;

    @BeforeAll
    static void read() throws IOException, URISyntaxException {
        Path classes = Path.of(ConnectionState.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        Path sources = Path.of(System.getProperty("basedir", "."), "src", "main", "java");
        assertThat(sources.resolve("module-info.java")).as("the api's module descriptor source").exists();
        try (Stream<Path> files = Files.walk(sources)) {
            sourcePackages = files.filter(f -> f.toString().endsWith(".java"))
                    .map(f -> sources.relativize(f.getParent()))
                    .filter(dir -> !dir.toString().isEmpty())
                    .map(dir -> dir.toString().replace(dir.getFileSystem().getSeparator(), "."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void theModuleIsNamedForTheApi() {
        assertThat(descriptor.name()).isEqualTo("io.noa.realtime.api");
        assertThat(descriptor.uses()).contains("io.noa.realtime.spi.TransportProvider");
    }

    @Test
    void everyPackageIsExportedOrDeliberatelyInternal() {
        Set<String> exported = exportedToEveryone();
        Set<String> forgotten = sourcePackages.stream()
                .filter(p -> !exported.contains(p) && !INTERNAL.contains(p))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(forgotten)
                .as("packages under api/src/main/java that api/src/main/java/module-info.java does not export and "
                        + "ModuleDescriptorTest.INTERNAL does not list: add 'exports <package>;' to module-info.java "
                        + "if it is API, or add it to INTERNAL (and say 'not API' in its package-info.java)")
                .isEmpty();
    }

    @Test
    void internalPackagesAreExportedToNobodyButTheTckAndOpenedToNobody() {
        Set<String> exported = exportedToEveryone();
        assertThat(INTERNAL).as("INTERNAL lists packages that exist").allMatch(sourcePackages::contains);
        assertThat(INTERNAL).as("internal packages exported to everyone").noneMatch(exported::contains);
        descriptor.exports().stream()
                .filter(ModuleDescriptor.Exports::isQualified)
                .forEach(e -> assertThat(e.targets()).as("qualified export of %s", e.source())
                        .isSubsetOf(QUALIFIED_EXPORT_TARGETS));
        assertThat(descriptor.opens()).as("the api opens no package").isEmpty();
    }

    private static Set<String> exportedToEveryone() {
        return descriptor.exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
    }
}
