package io.noa.realtime.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Node script from {@code sio-server/} (installed by the build with {@code npm ci}), its stdout
 * collected line by line. Fails the test with a clear message when {@code node} is missing or the
 * npm packages were not installed; never skips.
 */
class NodeProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer stdin;
    final List<String> lines = new CopyOnWriteArrayList<>();

    NodeProcess(String script, String... args) {
        this(Map.of(), script, args);
    }

    /** The script with extra environment variables (e.g. {@code SIO_RECOVERY=1}). */
    NodeProcess(Map<String, String> env, String script, String... args) {
        Path dir = scriptDir();
        if (!Files.isDirectory(dir.resolve("node_modules/socket.io"))) {
            throw new AssertionError("The Node test server is not installed in " + dir
                    + ": the build runs `npm ci` there (exec-maven-plugin, phase process-test-classes); run the tests"
                    + " through Maven (mvn -pl socketio verify) with npm on the PATH");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("node");
        cmd.add(dir.resolve(script).toString());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new AssertionError("Cannot start `node` (" + e.getMessage() + "): the socketio tests need Node.js 20"
                    + " on the PATH", e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "node-" + script);
        reader.setDaemon(true);
        reader.start();
    }

    private static Path scriptDir() {
        try {
            return Path.of(NodeProcess.class.getResource("/sio-server/server.js").toURI()).getParent();
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("sio-server/server.js is not on the test class path", e);
        }
    }

    /** Writes one command line to the script's stdin. */
    void command(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stdout lines that are JSON objects. */
    List<JsonNode> jsonLines() {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("{")) {
                try {
                    out.add(JSON.readTree(l));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
