package io.noa.realtime.samples;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.TypingIndicator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Presence and the typing indicator (the guide's {@code useTypingIndicator}): alice goes online
 * and types; bob watches both.
 */
public final class TypingAndPresence {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TypingAndPresence() {}

    /**
     * Runs against an embedded RoomServer.
     *
     * @param args ignored
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Runs against an embedded RoomServer with the default transport.
     *
     * @param out where to print
     * @return 0
     * @throws Exception if it fails or times out
     */
    public static int run(PrintStream out) throws Exception {
        try (Transport transport = Transports.load();
                RoomServer server = RoomServer.builder().token("t-alice", "alice").token("t-bob", "bob").start();
                RealtimeClient alice = RealtimeClient.builder(server.uri()).transport(transport)
                        .auth(Map.of("token", "t-alice")).build();
                RealtimeClient bob = RealtimeClient.builder(server.uri()).transport(transport)
                        .auth(Map.of("token", "t-bob")).build()) {
            alice.rooms().join("design").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            bob.rooms().join("design").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            // region:typing-presence
            bob.presence().onChange(users -> users.values().forEach(
                    e -> out.println("[bob] presence " + e.userId() + " " + e.status() + " " + e.metadata())));
            alice.presence().update("online", Map.of("device", "laptop"));
            Waits.until(() -> bob.presence().get("alice").isPresent(), WAIT, "alice's presence");

            TypingIndicator bobView = bob.typing("design");
            bobView.onChange(users -> out.println("[bob] typing: " + (users.isEmpty() ? "nobody" : users)));
            TypingIndicator aliceTyping = alice.typing("design");
            aliceTyping.startTyping(); // call on every keystroke: throttled, and stops by itself when idle
            Waits.until(() -> bobView.typingUsers().contains("alice"), WAIT, "alice typing");
            aliceTyping.stopTyping(); // e.g. when the message is sent
            Waits.until(() -> bobView.typingUsers().isEmpty(), WAIT, "alice to stop typing");
            // endregion:typing-presence

            alice.presence().update("away", Map.of("device", "laptop"));
            Waits.until(() -> bob.presence().get("alice").map(e -> e.status().equals("away")).orElse(false), WAIT,
                    "alice away");
        }
        return 0;
    }
}
