package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.socketio.SocketIo;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.ws.RealtimeClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link SocketIoChat} against the real npm {@code socket.io} 4.8.4 test server of module
 * {@code socketio} ({@code socketio/target/test-classes/sio-server}, installed by that module's
 * build with {@code npm ci}, which runs before this module in the reactor). Fails with a clear
 * message when {@code node} or the installed server is missing; never skips.
 */
class SocketIoChatTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private Process node;
    private final List<String> serverOut = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        Path dir = Path.of("").toAbsolutePath().getParent().resolve("socketio/target/test-classes/sio-server");
        if (!Files.isDirectory(dir.resolve("node_modules/socket.io"))) {
            throw new AssertionError("The Node socket.io test server is not installed in " + dir + ": module socketio's"
                    + " build installs it (npm ci, phase process-test-classes); run `mvn -pl socketio,samples verify`"
                    + " (or the whole build) with node and npm on the PATH");
        }
        try {
            node = new ProcessBuilder("node", dir.resolve("server.js").toString(), "0").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new AssertionError("Cannot start `node` (" + e.getMessage() + "): this test needs Node.js 20 on the"
                    + " PATH", e);
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    serverOut.add(line);
                }
            } catch (IOException e) {
                // the server is gone
            }
        }, "sio-server-out");
        reader.setDaemon(true);
        reader.start();
        await("the Node socket.io server to listen").atMost(Duration.ofSeconds(60))
                .until(() -> serverOut.stream().anyMatch(l -> l.startsWith("LISTENING ")) || !node.isAlive());
        assertThat(node.isAlive()).as("the Node socket.io server runs: %s", serverOut).isTrue();
    }

    @AfterEach
    void stopServer() throws IOException, InterruptedException {
        node.getOutputStream().close();
        node.destroy();
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
    }

    private URI url() {
        String line = serverOut.stream().filter(l -> l.startsWith("LISTENING ")).findFirst().orElseThrow();
        return URI.create("ws://127.0.0.1:" + line.substring("LISTENING ".length()).trim());
    }

    @Test
    void aLineTypedInTheChatReachesAnotherMemberOfTheRoom() throws Exception {
        List<JsonNode> bobGot = new CopyOnWriteArrayList<>();
        try (Transport transport = Transports.load();
                RealtimeClient bob = RealtimeClient.builder(url()).protocol(SocketIo.v5()).transport(transport)
                        .auth(Map.of("token", "t-bob")).build()) {
            bob.on("message:new", bobGot::add);
            bob.rooms().join("general").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            BufferedReader typed = new BufferedReader(new StringReader("hello bob\nsecond line\n/quit\n"));
            assertThat(SocketIoChat.run(url(), "alice", "general", typed, out)).isZero();

            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("connected", "joined general as alice").containsPattern("\\(sent m\\d+\\)");
            await().atMost(WAIT).until(() -> bobGot.size() == 2);
            assertThat(bobGot).extracting(m -> m.path("userId").asText() + ": " + m.path("content").asText())
                    .containsExactly("alice: hello bob", "alice: second line");
        }
    }
}
