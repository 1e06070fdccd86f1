package io.noa.realtime.samples;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.event.EventType;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.Presence;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.TypingIndicator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Two users in a room over WebSocket: presence, typing indicator, messages with acknowledgements,
 * and the assistant's answer broadcast into the room (the guide's "Combined SSE + WebSocket").
 */
final class RoomDemo {
    static final String ROOM = "demo";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Transport transport;
    private final PrintStream out;
    private int acked;

    RoomDemo(Transport transport, PrintStream out) {
        this.transport = transport;
        this.out = out;
    }

    /** Acknowledged messages so far. */
    int acked() {
        return acked;
    }

    /**
     * Starts an embedded RoomServer and plays the scene; returns when everything was seen. The
     * answer is broadcast only when there is one.
     */
    void run(Optional<String> answer) throws InterruptedException, ExecutionException, TimeoutException {
        try (RoomServer server = RoomServer.builder().token("t-alice", "alice").token("t-bob", "bob").start()) {
            out.println("[room] RoomServer on " + server.uri());
            try (RealtimeClient alice = client(server, "alice", "t-alice");
                    RealtimeClient bob = client(server, "bob", "t-bob")) {
                play(alice, bob, answer);
            }
        }
    }

    private RealtimeClient client(RoomServer server, String name, String token) {
        // region:options
        RealtimeClient c = RealtimeClient.builder(server.uri())
                .transport(transport)
                .auth(Map.of("token", token))                  // or authSupplier(() -> ...) re-read on every connect
                .reconnection(true)
                .reconnectionAttempts(RetryPolicy.UNLIMITED)
                .reconnectionDelay(Duration.ofSeconds(1))
                .reconnectionDelayMax(Duration.ofSeconds(5))
                .randomizationFactor(0.5)
                .timeout(WAIT)                                 // connect + handshake
                .heartbeatInterval(Duration.ofSeconds(30))
                .pongTimeout(Duration.ofSeconds(10))
                .maxPendingEmits(1_000)                        // emits buffered while offline
                .autoConnect(false)
                .build();
        // endregion:options
        c.onStateChange(change -> out.println("[state] " + name + " " + change.from() + " -> " + change.to()));
        c.connect();
        return c;
    }

    private void play(RealtimeClient alice, RealtimeClient bob, Optional<String> answer)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ChatLine> bobGot = new CopyOnWriteArrayList<>();
        // region:messages
        bob.on(EventType.of("message:new", ChatLine.class), line -> {
            bobGot.add(line);
            out.println("[bob] " + line.userId + " says: " + preview(line.content));
        });
        alice.rooms().join(ROOM).get(WAIT.toSeconds(), TimeUnit.SECONDS);   // re-joined after every reconnect
        bob.rooms().join(ROOM).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // endregion:messages
        out.println("[room] alice and bob joined '" + ROOM + "'");

        alice.presence().update("online", Map.of("device", "terminal"));
        Waits.until(() -> bob.presence().get("alice").isPresent(), WAIT, "alice's presence at bob");
        Presence.Entry p = bob.presence().get("alice").orElseThrow();
        out.println("[bob] sees alice " + p.status() + " on " + p.metadata().path("device").asText());

        try (TypingIndicator bobView = bob.typing(ROOM); TypingIndicator aliceTyping = alice.typing(ROOM)) {
            bobView.onChange(users -> out.println("[bob] typing now: " + (users.isEmpty() ? "nobody" : users)));
            aliceTyping.startTyping();
            Waits.until(() -> bobView.typingUsers().contains("alice"), WAIT, "bob to see alice typing");
            send(alice, "Hi bob, I asked the assistant something.");
            aliceTyping.stopTyping();
            Waits.until(() -> bobView.typingUsers().isEmpty(), WAIT, "alice to stop typing");
        }

        if (answer.isPresent()) {
            send(alice, answer.get());
            Waits.until(() -> bobGot.size() == 2, WAIT, "bob to receive both messages");
            out.println("[bob] received the assistant answer: " + bobGot.get(1).content.length() + " chars");
        }
    }

    private void send(RealtimeClient from, String text) throws InterruptedException, ExecutionException,
            TimeoutException {
        // region:ack
        JsonNode ack = from.emitWithAck("message:send", Map.of("roomId", ROOM, "content", text))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // endregion:ack
        if (!ack.path("ok").asBoolean()) {
            throw new IllegalStateException("message refused: " + ack);
        }
        acked++;
        out.println("[alice] ack ok, id " + ack.path("id").asText());
    }

    private static String preview(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
