package io.noa.realtime.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.event.EventType;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Your own event types: a record sent and received as a typed WebSocket event
 * ({@code EventType.of("order:update", OrderUpdate.class)}), and a named SSE event
 * ({@code event: progress}) decoded into a record.
 */
public final class CustomEventTypes {
    /**
     * The WebSocket payload: any class Jackson can map (here a record).
     *
     * @param orderId the order
     * @param status its new status
     * @param items how many items it holds
     */
    // region:types
    public record OrderUpdate(String orderId, String status, int items) {}
    // endregion:types

    /**
     * The SSE payload of {@code event: progress}.
     *
     * @param step the step done
     * @param percent how far along
     */
    public record Progress(String step, int percent) {}

    /**
     * The acknowledgement the server answers with.
     *
     * @param ok whether it was accepted
     * @param orderId the order
     */
    public record OrderAck(boolean ok, String orderId) {}

    /** The typed event: its name on the wire and the class its data decodes into. */
    // region:types
    public static final EventType<OrderUpdate> ORDER_UPDATE = EventType.of("order:update", OrderUpdate.class);
    // endregion:types

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CustomEventTypes() {}

    /**
     * Runs both parts against embedded servers.
     *
     * @param args ignored
     * @throws Exception if a part fails
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Runs both parts with the default transport, printing what arrives.
     *
     * @param out where to print
     * @return 0
     * @throws Exception if a part fails or times out
     */
    public static int run(PrintStream out) throws Exception {
        try (Transport transport = Transports.load()) {
            webSocket(transport, out);
            sse(transport, out);
        }
        return 0;
    }

    private static void webSocket(Transport transport, PrintStream out) throws Exception {
        // the server forwards order:update to the user "bob" and acknowledges with its own answer
        AtomicReference<RoomServer> serverRef = new AtomicReference<>();
        try (RoomServer server = RoomServer.builder().token("t-shop", "shop").token("t-bob", "bob")
                .handler(ORDER_UPDATE.name(), data -> {
                    serverRef.get().sendTo("bob", ORDER_UPDATE.name(), data);
                    return JSON.createObjectNode().put("ok", true).put("orderId", data.path("orderId").asText());
                }).start()) {
            serverRef.set(server);
            try (RealtimeClient shop = RealtimeClient.builder(server.uri()).transport(transport)
                    .auth(Map.of("token", "t-shop")).build();
                    RealtimeClient bob = RealtimeClient.builder(server.uri()).transport(transport)
                            .auth(Map.of("token", "t-bob")).build()) {
                List<OrderUpdate> got = new CopyOnWriteArrayList<>();
                bob.on(ORDER_UPDATE, update -> {
                    got.add(update);
                    out.println("[bob] " + ORDER_UPDATE.name() + " " + update);
                });
                Waits.until(bob::isConnected, WAIT, "bob to connect");
                // typed emit, and a typed acknowledgement (any class works for the answer too)
                // region:emit
                shop.emit(ORDER_UPDATE, new OrderUpdate("A-17", "packed", 3));
                OrderAck ack = shop.emitWithAck(ORDER_UPDATE.name(), new OrderUpdate("A-17", "shipped", 3),
                        OrderAck.class, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                out.println("[shop] ack " + ack);
                // endregion:emit
                Waits.until(() -> got.size() == 2, WAIT, "bob to get both updates");
            }
        }
    }

    private static void sse(Transport transport, PrintStream out) throws Exception {
        try (EventStreamServer server = EventStreamServer.start();
                SseClient client = SseClient.builder(server.uri()).transport(transport).build()) {
            List<Progress> got = new CopyOnWriteArrayList<>();
            // region:sse
            client.on("progress", event -> {
                Progress p = decode(event.data(), Progress.class);
                got.add(p);
                out.println("[sse] progress " + p.step() + " " + p.percent() + "%");
            });
            // endregion:sse
            client.onMessage(event -> out.println("[sse] message " + event.data()));
            client.connect();
            server.awaitConnections(1, WAIT);
            server.publish("progress", "{\"step\":\"download\",\"percent\":40}");
            server.publish("progress", "{\"step\":\"verify\",\"percent\":100}");
            server.publish("done");
            Waits.until(() -> got.size() == 2, WAIT, "both progress events");
        }
    }

    private static <T> T decode(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
