package io.noa.realtime.jpms;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.testkit.MockInferenceServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published jars on the module path, as a user's application module sees them. This JVM
 * runs on the class path and only finds the jars (api, Jackson, the transports, Netty) and a
 * {@link MockInferenceServer}; a user module ({@code src/test/resources/user-module}) is compiled
 * against the api alone and run in a child JVM with {@code --module-path} and {@code -m}, so the
 * module descriptors are what resolves it: {@code requires transitive} Jackson, {@code uses} /
 * {@code provides TransportProvider} for {@code Transports.load()}, and the internal package
 * exported to nobody.
 */
class ModulePathTest {
    private static final String API = "io.noa.realtime.api";
    private static final String JDK = "io.noa.realtime.transport.jdk";
    private static final String NETTY = "io.noa.realtime.transport.netty";
    private static final String USER = "io.noa.realtime.jpms.user";
    private static final String INTERNAL = "io.noa.realtime.internal";
    private static final String PROVIDER = "io.noa.realtime.spi.TransportProvider";

    @TempDir
    static Path work;

    /** The modules found on this JVM's class path (each jar or classes directory), by name. */
    private static Map<String, Path> modules;
    private static MockInferenceServer server;
    private static Path userModule;
    private static String internalClass;

    @BeforeAll
    static void compileTheUserModule() throws IOException {
        modules = modulesOnTheClassPath();
        internalClass = aPublicInternalClass();
        server = MockInferenceServer.start();
        userModule = work.resolve("user");
        Compilation c = compile(resource("user-module"), userModule, modulePath(API));
        assertThat(c.exitCode).as("javac of the user module against the api alone:%n%s", c.output).isZero();
    }

    @AfterAll
    static void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theApiAndTheTransportsAreExplicitModules() {
        ModuleDescriptor api = descriptor(API);
        assertThat(api.isAutomatic()).isFalse();
        assertThat(api.uses()).contains(PROVIDER);
        assertThat(api.exports()).noneMatch(e -> e.source().equals(INTERNAL) && !e.isQualified());
        assertThat(api.opens()).isEmpty();
        assertThat(descriptor(JDK).provides()).anyMatch(p -> p.service().equals(PROVIDER));
        assertThat(descriptor(NETTY).provides()).anyMatch(p -> p.service().equals(PROVIDER));
    }

    @Test
    void aUserModuleLoadsTheJdkTransportThroughServiceLoaderAndStreamsAChat() throws Exception {
        Map<String, String> out = runUserModule(JDK);

        assertThat(out).containsEntry("user", USER + " named=true")
                .containsEntry("api", API + " automatic=false")
                .containsEntry("jackson", "com.fasterxml.jackson.databind")
                .containsEntry("transport", JDK)
                .containsEntry("chat", "COMPLETED hello from a module");
        assertInternalIsInaccessible(out);
    }

    @Test
    void withBothTransportsOnTheModulePathTransportsLoadPicksNetty() throws Exception {
        Map<String, String> out = runUserModule(JDK, NETTY);

        assertThat(out).containsEntry("transport", NETTY)
                .containsEntry("chat", "COMPLETED hello from a module");
        assertInternalIsInaccessible(out);
    }

    @Test
    void aUserModuleDoesNotCompileAgainstTheInternalPackage() throws IOException {
        Path src = work.resolve("intruder-src");
        Path pkg = Files.createDirectories(src.resolve("io/noa/realtime/jpms/intruder"));
        Files.copy(resource("intruder-module").resolve("module-info.java"), src.resolve("module-info.java"));
        Files.writeString(pkg.resolve("Intruder.java"), "package io.noa.realtime.jpms.intruder;\n\n"
                + "public final class Intruder {\n"
                + "    Class<?> reach() { return " + internalClass + ".class; }\n"
                + "}\n");

        Compilation c = compile(src, work.resolve("intruder"), modulePath(API));

        assertThat(c.exitCode).as(c.output).isNotZero();
        assertThat(c.output).contains("package " + INTERNAL + " is not visible")
                .contains("does not export it");
    }

    private static void assertInternalIsInaccessible(Map<String, String> out) {
        assertThat(out).containsEntry("internal.package", "true")
                .containsEntry("internal.module", API)
                .containsEntry("internal.exported", "false")
                .containsEntry("internal.opened", "false")
                .containsEntry("internal.access", "IllegalAccessException")
                .containsEntry("internal.setAccessible", "InaccessibleObjectException")
                .containsEntry("exported.access", "allowed");
    }

    /** Runs the user module in a child JVM whose module path holds it, the api and these transports. */
    private static Map<String, String> runUserModule(String... transports) throws IOException, InterruptedException {
        String modulePath = userModule + File.pathSeparator + modulePath(transports);
        Path log = Files.createTempFile(work, "child", ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath,
                "-m", USER + "/" + USER + ".Main",
                server.chatUri().toString(), internalClass);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // surefire may hand its class path to forks in CLASSPATH; the child must see the module path only
        builder.environment().remove("CLASSPATH");
        Process p = builder.start();
        boolean exited = p.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertThat(exited).as("the child JVM did not exit within 2 minutes:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("child JVM %s%n%s", command, output).isZero();
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z.]+")) {
                lines.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return lines;
    }

    /**
     * The module path that resolves these root modules: the roots and everything they require,
     * transitively (but not {@code requires static}), taken from this JVM's class path.
     */
    private static String modulePath(String... roots) {
        ModuleFinder finder = ModuleFinder.of(modules.values().toArray(Path[]::new));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of(roots));
        return cf.modules().stream()
                .map(ResolvedModule::reference)
                .map(ref -> Path.of(ref.location().orElseThrow()).toString())
                .sorted()
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static ModuleDescriptor descriptor(String name) {
        Path location = modules.get(name);
        assertThat(location).as("module %s on the test class path", name).isNotNull();
        return ModuleFinder.of(location).find(name).orElseThrow().descriptor();
    }

    private static Map<String, Path> modulesOnTheClassPath() {
        Map<String, Path> found = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
                continue;
            }
            try {
                for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
                    found.putIfAbsent(ref.descriptor().name(), path);
                }
            } catch (FindException e) {
                // not usable as a module (e.g. no valid automatic name): never needed here
            }
        }
        return found;
    }

    /** A public top-level class of the api's internal package (its names may change; any will do). */
    private static String aPublicInternalClass() throws IOException {
        ModuleReference api = ModuleFinder.of(modules.get(API)).find(API).orElseThrow();
        List<String> names = new ArrayList<>();
        try (ModuleReader reader = api.open(); Stream<String> entries = reader.list()) {
            entries.filter(e -> e.startsWith(INTERNAL.replace('.', '/') + "/") && e.endsWith(".class"))
                    .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> !n.contains("$") && !n.endsWith("package-info"))
                    .sorted()
                    .forEach(names::add);
        }
        for (String name : names) {
            try {
                if (Modifier.isPublic(Class.forName(name, false, ModulePathTest.class.getClassLoader()).getModifiers())) {
                    return name;
                }
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no public class in " + INTERNAL + " of " + api.location().orElseThrow());
    }

    private static Path resource(String name) {
        try {
            return Path.of(ModulePathTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Compilation compile(Path sources, Path out, String modulePath) throws IOException {
        // An in-process javac given no class path takes this JVM's java.class.path, where the api
        // sits in the unnamed module; an empty class path leaves the module path as the only source.
        Path noClassPath = Files.createDirectories(work.resolve("empty-class-path"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath,
                "--class-path", noClassPath.toString(), "-d", out.toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).forEach(args::add);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("ModulePathTest needs a JDK (javac)").isNotNull();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = javac.run(null, output, output, args.toArray(String[]::new));
        return new Compilation(exit, output.toString(StandardCharsets.UTF_8));
    }

    private static final class Compilation {
        final int exitCode;
        final String output;

        Compilation(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
