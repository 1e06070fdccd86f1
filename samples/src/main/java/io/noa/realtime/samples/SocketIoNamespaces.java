package io.noa.realtime.samples;

import io.noa.realtime.socketio.SocketIoManager;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.ws.RealtimeClient;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Several Socket.IO namespaces over one connection ({@link SocketIoManager}, the reference
 * client's {@code Manager}): the main namespace {@code "/"} and {@code "/admin"} of the test
 * server share one WebSocket, each with its own CONNECT, acks and state. Start the test server of
 * module {@code socketio} by hand first:
 *
 * <pre>
 * cd socketio/src/test/resources/sio-server &amp;&amp; npm ci &amp;&amp; node server.js 3000
 * </pre>
 *
 * <p>Then: {@code mvn -q -pl samples -am -DskipTests package exec:java
 * -Dsample.main=io.noa.realtime.samples.SocketIoNamespaces -Dexec.args="alice"}.
 */
public final class SocketIoNamespaces {
    private SocketIoNamespaces() {}

    /**
     * Connects both namespaces over one link, asks each for an echo, leaves {@code /admin} and
     * shows that {@code /} is still connected.
     *
     * @param args user name (token {@code t-<user>} on the test server), optional server URL
     *     (default {@code ws://127.0.0.1:3000})
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
        String user = args.length > 0 ? args[0] : "alice";
        URI url = URI.create(args.length > 1 ? args[1] : "ws://127.0.0.1:3000");

        try (Transport transport = Transports.load()) {
            // region:namespaces
            SocketIoManager io = SocketIoManager.builder(url).transport(transport).build(); // one link for all
            RealtimeClient chat = io.socket("/")                         // the main namespace
                    .authSupplier(() -> Map.of("token", "t-" + user))    // each namespace sends its own CONNECT
                    .build();
            RealtimeClient admin = io.socket("/admin")                   // same WebSocket, its own acks and state
                    .auth(Map.of("token", "t-" + user))
                    .build();
            admin.onError(e -> System.out.println("admin: " + e.getMessage())); // a refused CONNECT: chat stays up
            chat.on("message:new", m -> System.out.println("chat: " + m.path("content").asText()));
            // endregion:namespaces
            System.out.println("/      -> " + chat.emitWithAck("echo", "hello").get(10, TimeUnit.SECONDS));
            System.out.println("/admin -> " + admin.emitWithAck("echo", "hello").get(10, TimeUnit.SECONDS));
            System.out.println("links opened for two namespaces: " + io.linksOpened());
            admin.close();                                              // leaves /admin; the link stays for /
            System.out.println("/ after /admin left -> " + chat.emitWithAck("echo", "still here")
                    .get(10, TimeUnit.SECONDS));
            chat.close();                                               // the last namespace closes the link
            io.close();
        }
    }
}
