package io.noa.realtime.benchmarks.socketio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The benchmark's Node {@code socket.io} 4.8.4 server ({@code sio-bench/bench-server.js} from this
 * jar): copied with its {@code package.json} and lock file into a working directory, installed
 * there with {@code npm ci} when that directory has not installed this very lock file yet, then
 * started with {@code node} on an ephemeral 127.0.0.1 port. Fails with a message naming what to
 * install when {@code node} or {@code npm} is missing.
 */
final class NodeBenchServer implements AutoCloseable {
    private static final List<String> FILES = List.of("bench-server.js", "package.json", "package-lock.json", ".npmrc");
    private static final String INSTALLED_MARKER = "installed-package-lock.json";

    private final Process process;
    private final int port;

    private NodeBenchServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Installs (when needed) and starts the server.
     *
     * @param where the working directory (created when missing), e.g. {@code target/sio-bench}
     * @return the running server
     * @throws IOException when the files cannot be written or a process cannot start
     * @throws InterruptedException when interrupted while waiting
     */
    static NodeBenchServer start(Path where) throws IOException, InterruptedException {
        Path dir = where.toAbsolutePath();
        install(dir);
        Process p;
        try {
            p = new ProcessBuilder("node", dir.resolve("bench-server.js").toString(), "0").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IOException("Cannot start `node` (" + e.getMessage() + "): the Socket.IO benchmark needs"
                    + " Node.js 20 and npm on the PATH", e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("LISTENING ")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String line;
        try {
            line = listening.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("The Node socket.io server in " + dir + " did not start: " + e, e);
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("The Node socket.io server in " + dir + " exited before listening (see its"
                    + " error above)");
        }
        return new NodeBenchServer(p, Integer.parseInt(line.substring("LISTENING ".length()).trim()));
    }

    /** Copies the server's files and runs {@code npm ci} unless this lock file is installed already. */
    private static void install(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (String name : FILES) {
            try (InputStream in = NodeBenchServer.class.getResourceAsStream("/sio-bench/" + name)) {
                if (in == null) {
                    throw new IOException("sio-bench/" + name + " is not on the class path");
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path marker = dir.resolve("node_modules").resolve(INSTALLED_MARKER);
        byte[] lock = Files.readAllBytes(dir.resolve("package-lock.json"));
        if (Files.isRegularFile(marker) && java.util.Arrays.equals(Files.readAllBytes(marker), lock)) {
            return;
        }
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IOException("Cannot run `npm ci` in " + dir + " (" + e.getMessage() + "): the Socket.IO"
                    + " benchmark needs Node.js 20 and npm on the PATH", e);
        }
        if (!npm.waitFor(5, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IOException("`npm ci` in " + dir + " did not finish within 5 minutes");
        }
        if (npm.exitValue() != 0) {
            throw new IOException("`npm ci` in " + dir + " failed with exit code " + npm.exitValue()
                    + " (its output is above): the benchmark needs the npm registry or an npm cache with"
                    + " socket.io 4.8.4");
        }
        Files.write(marker, lock);
    }

    /**
     * The URL clients are given.
     *
     * @return {@code ws://127.0.0.1:<port>}
     */
    URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // the script exits when its stdin ends
        } catch (IOException e) {
            // gone already
        }
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
