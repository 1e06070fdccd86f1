package io.noa.realtime.samples;

import io.noa.realtime.RetryPolicy;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.EventStreamServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link SseClient} configured the way an app would: a bearer token computed on every
 * (re)connect, a bounded retry policy, idle and connect timeouts, a maximum event size and a shared
 * transport; listeners for open, errors, state changes, a named event and plain messages. The
 * embedded server then drops the connection: the client reconnects with {@code Last-Event-ID} and
 * gets the event it missed.
 */
public final class SseConfiguration {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private SseConfiguration() {}

    /**
     * Runs the sample against an embedded event stream server.
     *
     * @param args ignored
     * @throws Exception if an expected event does not arrive
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Connects, receives events, survives a dropped connection, then closes; prints what happened.
     *
     * @param out where to print
     * @return 0
     * @throws Exception if an expected event does not arrive in time
     */
    public static int run(PrintStream out) throws Exception {
        // stands in for a token store that refreshes the token; read on every connect
        AtomicInteger tokenVersion = new AtomicInteger(1);
        List<Integer> tokenVersionsSent = new CopyOnWriteArrayList<>();
        List<SseEvent> received = new CopyOnWriteArrayList<>();
        try (Transport transport = Transports.load();
                EventStreamServer server = EventStreamServer.builder().heartbeatEvery(Duration.ofSeconds(1)).start()) {
            // region:client
            SseClient client = SseClient.builder(server.uri())
                    .headers(() -> {
                        int version = tokenVersion.get();
                        tokenVersionsSent.add(version);
                        return Map.of("Authorization", "Bearer " + token(version));
                    })
                    .retryPolicy(RetryPolicy.builder()
                            .maxRetries(5)
                            .initialDelay(Duration.ofMillis(100))
                            .maxDelay(Duration.ofSeconds(2))
                            .multiplier(2.0)
                            .randomizationFactor(0.2)
                            .build())
                    .idleTimeout(Duration.ofSeconds(30)) // heartbeats every second keep it alive
                    .connectTimeout(Duration.ofSeconds(5))
                    .maxEventSize(64 * 1024)
                    .transport(transport)
                    .build();
            // endregion:client
            try {
                // region:listeners
                client.onOpen(() -> out.println("[sse] open"));
                client.onError(e -> out.println("[sse] error " + e.getClass().getSimpleName()));
                client.onStateChange(c -> out.println("[sse] state " + c.from() + " -> " + c.to()));
                client.on("progress", e -> {
                    received.add(e);
                    out.println("[sse] progress id=" + e.id().orElse("-") + " " + e.data());
                });
                client.onMessage(e -> {
                    received.add(e);
                    out.println("[sse] message id=" + e.id().orElse("-") + " " + e.data());
                });
                client.connect();
                // endregion:listeners

                server.awaitConnections(1, WAIT);
                server.publish("progress", "{\"percent\":50}");
                server.publish("hello");
                Waits.until(() -> received.size() == 2, WAIT, "the first two events");

                // the token is refreshed, then the connection drops; the event published meanwhile
                // is replayed after the reconnect because the client sends Last-Event-ID
                tokenVersion.incrementAndGet();
                server.dropAll();
                server.publish("progress", "{\"percent\":100}");
                server.awaitConnections(2, WAIT);
                Waits.until(() -> received.size() == 3, WAIT, "the missed event");

                out.println("[sse] Last-Event-ID per connection: " + server.lastEventIdsSeen());
                out.println("[sse] token versions sent: " + tokenVersionsSent);
                out.println("[sse] client lastEventId " + client.lastEventId().orElse("-"));
            } finally {
                client.close();
            }
            out.println("[sse] closed, state " + client.state());
        }
        return 0;
    }

    private static String token(int version) {
        return "sample-token-v" + version;
    }
}
