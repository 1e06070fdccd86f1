package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventStreamServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private EventStreamServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    /** A minimal SSE reader: one thread collecting lines (and "EOF"/"ERROR" at the end). */
    private static final class Lines {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final HttpResponse<java.io.InputStream> response;

        Lines(HttpClient http, EventStreamServer server, String lastEventId) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(server.uri()).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                    lines.add("EOF");
                } catch (Exception e) {
                    lines.add("ERROR");
                }
            });
            t.setDaemon(true);
            t.start();
        }

        List<String> take(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String line = lines.poll(5, TimeUnit.SECONDS);
                assertThat(line).as("line %d of %d (got %s)", i, n, out).isNotNull();
                out.add(line);
            }
            return out;
        }
    }

    @Test
    void publishesToConnectedClientsWithRetryAndEventFields() throws Exception {
        server = EventStreamServer.builder().retry(Duration.ofMillis(250)).start();
        Lines client = new Lines(http, server, null);
        assertThat(client.response.statusCode()).isEqualTo(200);
        assertThat(client.response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(client.take(2)).containsExactly("retry: 250", "");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);

        assertThat(server.publish("hello")).isEqualTo("1");
        assertThat(server.publish("greeting", "two\nlines")).isEqualTo("2");
        assertThat(client.take(8)).containsExactly("id: 1", "data: hello", "",
                "id: 2", "event: greeting", "data: two", "data: lines", "");
        server.sendRaw(": raw comment\n\n");
        assertThat(client.take(2)).containsExactly(": raw comment", "");
        assertThat(server.lastEventIdsSeen()).containsExactly(Optional.empty());
    }

    @Test
    void reconnectWithLastEventIdReplaysMissedEvents() throws Exception {
        server = EventStreamServer.builder().historySize(3).start();
        Lines first = new Lines(http, server, null);
        server.awaitConnections(1, Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        server.publish("a");
        assertThat(first.take(3)).containsExactly("id: 1", "data: a", "");
        server.dropAll();
        assertThat(first.take(1)).containsExactly("ERROR");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
        server.publish("b");
        server.publish("c");

        Lines second = new Lines(http, server, "1");
        assertThat(second.take(6)).containsExactly("id: 2", "data: b", "", "id: 3", "data: c", "");
        server.awaitConnections(2, Duration.ofSeconds(5));
        assertThat(server.lastEventIdsSeen()).containsExactly(Optional.empty(), Optional.of("1"));
        assertThat(server.totalConnections()).isEqualTo(2);

        // history holds 3 events: after 5 publishes, a client at id 1 gets only 3..5
        server.publish("d");
        server.publish("e");
        await().atMost(Duration.ofSeconds(5)).until(() -> second.lines.size() == 6);
        Lines third = new Lines(http, server, "1");
        assertThat(third.take(9)).containsExactly("id: 3", "data: c", "", "id: 4", "data: d", "", "id: 5", "data: e", "");
    }

    @Test
    void heartbeatsAreComments() throws Exception {
        server = EventStreamServer.builder().heartbeatEvery(Duration.ofMillis(20)).start();
        Lines client = new Lines(http, server, null);
        assertThat(client.take(4)).containsExactly(": heartbeat", "", ": heartbeat", "");
    }

    @Test
    void statusOverridesAnswerTheNextRequestsThenStreamAgain() throws Exception {
        server = EventStreamServer.start();
        server.respondWith(204, "text/event-stream");
        server.respondWith(404, "text/plain", "gone");
        HttpRequest get = HttpRequest.newBuilder(server.uri()).build();
        assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        HttpResponse<String> notFound = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(notFound.body()).isEqualTo("gone");
        Lines client = new Lines(http, server, null);
        assertThat(client.response.statusCode()).isEqualTo(200);
        assertThat(server.totalConnections()).isEqualTo(3);
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(server.uri().resolve("/elsewhere")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void servesTls() throws Exception {
        TestCertificate cert = TestCertificate.create();
        server = EventStreamServer.builder().tls(cert).start();
        assertThat(server.uri().toString()).startsWith("https://127.0.0.1:");
        Lines client = new Lines(HttpClient.newBuilder().sslContext(cert.clientContext()).build(), server, null);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        server.publish("secret");
        assertThat(client.take(3)).containsExactly("id: 1", "data: secret", "");
    }
}
