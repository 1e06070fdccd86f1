package io.noa.realtime.samples;

import io.noa.realtime.socketio.SocketIo;
import io.noa.realtime.socketio.SocketIoConnectException;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.TypingIndicator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A chat line client for a real Socket.IO server (npm {@code socket.io} 4.x) speaking the guide's
 * events: {@code room:join}, {@code message:send} / {@code message:new}, {@code typing:start} /
 * {@code typing:stop}, and the server's own acked {@code server:ping}. Start the test server of
 * module {@code socketio} by hand first:
 *
 * <pre>
 * cd socketio/src/test/resources/sio-server &amp;&amp; npm ci &amp;&amp; node server.js 3000
 * </pre>
 *
 * <p>Then: {@code mvn -q -pl samples -am -DskipTests package exec:java
 * -Dsample.main=io.noa.realtime.samples.SocketIoChat -Dexec.args="alice general"}. Each line you
 * type goes to the room and is acknowledged (at least once: an unanswered try is sent again);
 * {@code /quit} ends. {@code SocketIoChatTest} runs it against the same server.
 */
public final class SocketIoChat {
    private SocketIoChat() {}

    /**
     * Runs the chat.
     *
     * @param args user name (token {@code t-<user>} on the test server), room, optional server URL
     *     (default {@code ws://127.0.0.1:3000})
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
        String user = args.length > 0 ? args[0] : "alice";
        String room = args.length > 1 ? args[1] : "general";
        URI url = URI.create(args.length > 2 ? args[2] : "ws://127.0.0.1:3000");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        run(url, user, room, in, System.out);
    }

    /**
     * Runs the chat on the given input and output.
     *
     * @param url the server
     * @param user the user (token {@code t-<user>})
     * @param room the room to join
     * @param in the lines to send; ends at {@code /quit} or end of input
     * @param out where the chat is printed
     * @return 0
     * @throws Exception if joining or a send fails
     */
    static int run(URI url, String user, String room, BufferedReader in, PrintStream out) throws Exception {
        try (Transport transport = Transports.load();
                RealtimeClient chat = connect(url, transport, user, out)) {
            TypingIndicator typing = chat.typing(room);
            typing.onChange(users -> out.println("typing: " + users));

            chat.rooms().join(room).get(10, TimeUnit.SECONDS);              // acked room:join
            out.println("joined " + room + " as " + user + "; type lines, /quit to end");
            for (String line; (line = in.readLine()) != null && !line.equals("/quit"); ) {
                typing.startTyping();
                String id = chat.emitWithAck("message:send", Map.of("roomId", room, "content", line))
                        .get(30, TimeUnit.SECONDS).path("id").asText();      // acked by the server
                typing.stopTyping();
                out.println("(sent " + id + ")");
            }
        }
        return 0;
    }

    /**
     * A Socket.IO client of the test server: auth, CONNECT_ERROR reporting, the room's messages
     * and the server's acked {@code server:ping}.
     *
     * @param url the server, e.g. {@code ws://127.0.0.1:3000}
     * @param transport the transport
     * @param user the user (token {@code t-<user>})
     * @param out where events are printed
     * @return the client, connecting
     */
    static RealtimeClient connect(URI url, Transport transport, String user, PrintStream out) {
        // region:socketio
        RealtimeClient chat = RealtimeClient.builder(url)
                .protocol(SocketIo.v5())                          // the one line that picks Socket.IO
                .transport(transport)
                .authSupplier(() -> Map.of("token", "t-" + user)) // CONNECT auth, re-read on every reconnect
                .reconnectionDelay(Duration.ofSeconds(1))
                .reconnectionDelayMax(Duration.ofSeconds(5))
                .ackTimeout(Duration.ofSeconds(5))                // an acked emit's try waits 5 s, then
                .retries(3)                                       // is sent again, up to 3 times (at least once)
                .build();
        chat.onConnect(() -> out.println(chat.recovered() ? "reconnected: session recovered" : "connected"));
        chat.onError(e -> {
            if (e instanceof SocketIoConnectException) {               // CONNECT_ERROR: no reconnect
                SocketIoConnectException refused = (SocketIoConnectException) e;
                out.println("refused: " + refused.serverMessage() + " " + refused.data());
            } else {
                out.println("error: " + e.getMessage());
            }
        });
        chat.on("message:new", m -> out.println(m.path("userId").asText() + ": " + m.path("content").asText()));
        chat.respond("server:ping", data -> Map.of("pong", user));      // the server's acked emits
        // endregion:socketio
        return chat;
    }
}
