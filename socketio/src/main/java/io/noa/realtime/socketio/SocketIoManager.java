package io.noa.realtime.socketio;

import io.noa.realtime.spi.HttpStreaming;
import io.noa.realtime.spi.Redact;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.spi.WebSocketConnector;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Several Socket.IO namespaces over one connection, like the reference client's {@code Manager}
 * ({@code io("/")} and {@code io("/admin")} sharing one Engine.IO link): one WebSocket, one
 * heartbeat, one TCP connection to reconnect, and one {@link RealtimeClient} per namespace with
 * the usual per-namespace API (events, acks, {@code rooms()}, {@code presence()},
 * {@code typing(room)}, state).
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/SocketIoNamespaces.java#namespaces -->
 * <pre>{@code
 * SocketIoManager io = SocketIoManager.builder(url).transport(transport).build(); // one link for all
 * RealtimeClient chat = io.socket("/")                         // the main namespace
 *         .authSupplier(() -> Map.of("token", "t-" + user))    // each namespace sends its own CONNECT
 *         .build();
 * RealtimeClient admin = io.socket("/admin")                   // same WebSocket, its own acks and state
 *         .auth(Map.of("token", "t-" + user))
 *         .build();
 * admin.onError(e -> System.out.println("admin: " + e.getMessage())); // a refused CONNECT: chat stays up
 * chat.on("message:new", m -> System.out.println("chat: " + m.path("content").asText()));
 * }</pre>
 *
 * <p>How it behaves: the first namespace that connects opens the link, the others join it; each
 * sends its own CONNECT with its own auth (re-read on every reconnect) and has its own events,
 * acks, rooms, presence and state. A CONNECT_ERROR fails only its namespace
 * ({@link SocketIoConnectException}); a server {@code disconnect(true)} or {@code disconnect()} of
 * one namespace (a DISCONNECT packet) leaves the others connected; the link closes when the last
 * namespace leaves. When the link drops (network, {@code pingInterval + pingTimeout} of silence,
 * the server closing the transport) every namespace reconnects, each with its own backoff: the
 * first one to retry opens the new link and the others join it. The link answers the server's
 * pings once for all. Binary payloads work on every namespace: the text frame of a BINARY_EVENT /
 * BINARY_ACK and its attachment frames go out back to back, with no frame of another namespace in
 * between (the server would close the link), and inbound attachments reach the namespace of the
 * packet they follow.
 *
 * <p>The clients are built from {@link #socket(String)}: it presets the URL, the
 * {@link SocketIo} protocol of the namespace and a transport bound to this manager; change the
 * other options as you like (auth, reconnection, timeouts, callback executor), but not the
 * protocol or the transport (that would give the client a connection of its own). The WebSocket
 * upgrade of the link carries the URL and headers of the namespace that opens it; give every
 * namespace the same headers. One client per namespace at a time: a second one for a namespace
 * already on the link fails to connect with a {@link io.noa.realtime.RealtimeException} (use a
 * second manager for a second connection, as {@code forceNew} does in the reference client).
 *
 * <p>Threads: no thread of its own; callbacks of each client stay serial, as without a manager.
 * Close the clients first; {@link #close()} then ends a link still open and closes the transport
 * if the manager loaded it. Thread-safe.
 */
public final class SocketIoManager implements AutoCloseable {
    private final URI url;
    private final SocketIo protocol;
    private final Transport transport;
    private final boolean ownsTransport;
    private final SharedLink link;

    private SocketIoManager(Builder b) {
        this.url = b.url;
        this.protocol = b.protocol;
        this.ownsTransport = b.transport == null;
        this.transport = b.transport != null ? b.transport : Transports.load();
        this.link = new SharedLink(transport);
    }

    /**
     * A builder of a manager for a Socket.IO server.
     *
     * @param url the server, e.g. {@code ws://localhost:3000} (the protocol adds
     *     {@code /socket.io/?EIO=4&transport=websocket}; the URL's query is kept)
     * @return a new builder
     */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    /**
     * A manager for a Socket.IO server with the default path and a transport loaded with
     * {@link Transports#load()} (closed by {@link #close()}).
     *
     * @param url the server, e.g. {@code ws://localhost:3000}
     * @return the manager; it opens no connection until a namespace's client connects
     */
    public static SocketIoManager create(URI url) {
        return builder(url).build();
    }

    /**
     * A client builder for one namespace on this manager's link: URL, protocol and transport are
     * set; set the rest (auth, reconnection, timeouts, {@code autoConnect}) and {@code build()}.
     *
     * @param namespace starts with {@code /}: {@code "/"} for the main namespace, e.g. {@code "/admin"}
     * @return a builder of the namespace's client
     * @throws IllegalArgumentException if the namespace does not start with {@code /} or contains {@code ,}
     */
    public RealtimeOptions.Builder socket(String namespace) {
        SocketIo p = protocol.namespace(namespace);
        return RealtimeClient.builder(url).protocol(p).transport(new NamespaceTransport(p.namespace()));
    }

    /**
     * How many links (WebSocket connections) this manager has opened so far, the current one
     * included: one per reconnect of the link, not one per namespace.
     *
     * @return the count
     */
    public int linksOpened() {
        return link.linksOpened();
    }

    /**
     * Whether a link is open or being opened now (at least one namespace is on it).
     *
     * @return true while some namespace uses the link
     */
    public boolean isLinked() {
        return link.hasLink();
    }

    /**
     * Ends a link still open (its clients see a transport error; close or disconnect them first),
     * refuses new connects, and closes the transport when the manager loaded it. Idempotent.
     */
    @Override
    public void close() {
        link.close();
        if (ownsTransport) {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "SocketIoManager{" + Redact.url(url) + ", path=" + protocol.path() + ", transport=" + transport.name()
                + '}';
    }

    /** The transport a namespace's client sees: the real one, but its WebSocket is the manager's shared link. */
    private final class NamespaceTransport implements Transport {
        private final WebSocketConnector connector;

        NamespaceTransport(String namespace) {
            this.connector = (uri, headers, timeout, listener) -> link.attach(namespace, uri, headers, timeout,
                    listener);
        }

        @Override
        public String name() {
            return transport.name();
        }

        @Override
        public HttpStreaming http() {
            return transport.http();
        }

        @Override
        public WebSocketConnector webSocket() {
            return connector;
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return transport.scheduler();
        }

        /** Does nothing: the manager owns the transport. */
        @Override
        public void close() {
            // the manager's transport outlives its namespaces' clients
        }

        @Override
        public String toString() {
            return "SocketIoManager.NamespaceTransport{" + transport.name() + '}';
        }
    }

    /** Builds a {@link SocketIoManager}. */
    public static final class Builder {
        private final URI url;
        private SocketIo protocol = SocketIo.v5();
        private Transport transport;

        private Builder(URI url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * The transport the link runs on (the caller keeps it and closes it). Default:
         * {@link Transports#load()}, closed with the manager.
         *
         * @param transport the transport
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * The server path (the server's {@code path} option), as {@link SocketIo#path(String)}.
         *
         * @param path e.g. {@code "/socket.io/"} (the default) or {@code "/rt/"}
         * @return this builder
         */
        public Builder path(String path) {
            this.protocol = protocol.path(path);
            return this;
        }

        /**
         * Builds the manager; it opens no connection until a namespace's client connects.
         *
         * @return the manager
         */
        public SocketIoManager build() {
            return new SocketIoManager(this);
        }
    }
}
