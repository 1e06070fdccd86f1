package io.noa.realtime.socketio;

import io.noa.realtime.ws.WireProtocol;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Socket.IO v5 over Engine.IO v4, WebSocket transport only: the protocol of the npm
 * {@code socket.io} server (4.x) and of the guide's client.
 *
 * <pre>{@code
 * RealtimeClient ws = RealtimeClient.builder(URI.create("ws://localhost:3000"))
 *     .protocol(SocketIo.v5())                  // or SocketIo.v5().namespace("/admin")
 *     .auth(Map.of("token", "auth-token"))      // sent in CONNECT, re-read on every reconnect
 *     .build();
 * }</pre>
 *
 * <p>On the wire: the client opens {@code ws://host:port/socket.io/?EIO=4&transport=websocket}
 * (the URL's own path is replaced by {@link #path(String)}; its query is kept), waits for the
 * Engine.IO open packet, sends CONNECT to its namespace with the auth payload (a JSON object, or
 * none) and is connected when the server answers CONNECT. The server drives the heartbeat: each
 * Engine.IO ping is answered with a pong at once, the client never pings (no WebSocket pings
 * either, so {@code heartbeatInterval} and {@code pongTimeout} do not apply), and a link that
 * stays silent for {@code pingInterval + pingTimeout} (from the open packet) is dropped and
 * reconnected. A CONNECT_ERROR fails the client with {@link SocketIoConnectException} and no
 * reconnect.
 *
 * <p>Events map one to one: {@code emit("message:send", data)} sends
 * {@code 42["message:send",data]}; with an acknowledgement {@code 42<id>[...]}, answered by an
 * ACK {@code 43<id>[answer]}. An inbound event with one argument delivers that argument, with
 * none JSON null, with several a JSON array of them. An acknowledgement whose single argument is
 * an object with a non-null {@code error} field completes the emit exceptionally (the guide's
 * convention for a refused {@code room:join}). The server's own acked emits are answered through
 * {@code RealtimeClient.respond(event, handler)}.
 *
 * <p>Binary data: a payload that holds {@code byte[]} or {@code ByteBuffer} values anywhere
 * (nested in maps, lists, beans) is sent as a BINARY_EVENT (or BINARY_ACK for a responder's
 * answer): each value becomes a placeholder in the JSON and travels as a binary WebSocket frame
 * after it, as the reference client does. Inbound BINARY_EVENT / BINARY_ACK packets are put back
 * together, so handlers see binary JSON nodes where the server sent {@code Buffer}s
 * ({@code node.binaryValue()}, or decode the payload into a type with {@code byte[]} or
 * {@code ByteBuffer} fields). Inbound attachments are bounded by {@link #maxAttachments(int)} and
 * {@link #maxAttachmentBytes(long)} ({@link io.noa.realtime.LimitExceededException} to
 * {@code onError}, the packet dropped, the link kept); an outbound attachment larger than the
 * server's {@code maxPayload} fails the emit with a {@link io.noa.realtime.LimitExceededException}
 * instead of making the server close the link.
 *
 * <p>A client built with this protocol has a WebSocket of its own; several namespaces share one
 * link when their clients come from one {@link SocketIoManager}.
 *
 * <p>Reliability: an event or answer whose frame is over the open packet's {@code maxPayload}
 * (the server's {@code maxHttpBufferSize}) is not sent (see
 * {@link io.noa.realtime.ws.WireProtocol.Session#maxFrameBytes()}), so the server never closes
 * the link for it. With the server's {@code connectionStateRecovery} on, the CONNECT reply's
 * {@code pid} (kept private: never logged, never in a {@code toString}) and the offset the server
 * appends to every event (stripped before delivery, the last one remembered) are sent in the
 * CONNECT after a dropped link; the events the server replays before its CONNECT reply are held
 * back and delivered once, in order, before the connect listeners run; the client's
 * {@code recovered()} says whether the session was restored (its rooms then are, and the rooms
 * helper does not join them again). Nothing is recovered after an explicit disconnect, from
 * either side, or before the client has received an event (no offset yet). {@code ackTimeout} +
 * {@code retries} and volatile emits are {@code RealtimeClient} options that work over any
 * protocol.
 *
 * <p>Not in this version: long-polling. Instances are immutable and thread-safe.
 */
public final class SocketIo implements WireProtocol {
    /** Default of {@link #maxAttachments(int)}. */
    static final int DEFAULT_MAX_ATTACHMENTS = 256;
    /** Default of {@link #maxAttachmentBytes(long)}: 16 MiB. */
    static final long DEFAULT_MAX_ATTACHMENT_BYTES = 16L * 1024 * 1024;
    private static final SocketIo V5 = new SocketIo("/", "/socket.io/", DEFAULT_MAX_ATTACHMENTS,
            DEFAULT_MAX_ATTACHMENT_BYTES);

    private final String namespace;
    private final String path;
    private final int maxAttachments;
    private final long maxAttachmentBytes;

    private SocketIo(String namespace, String path, int maxAttachments, long maxAttachmentBytes) {
        this.namespace = namespace;
        this.path = path;
        this.maxAttachments = maxAttachments;
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    /**
     * Socket.IO v5 to the main namespace {@code "/"} under the path {@code /socket.io/}.
     *
     * @return the protocol
     */
    public static SocketIo v5() {
        return V5;
    }

    /**
     * The same protocol to another namespace.
     *
     * @param namespace starts with {@code /}, e.g. {@code "/admin"}; without comma
     * @return a new protocol
     */
    public SocketIo namespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (!namespace.startsWith("/") || namespace.indexOf(',') >= 0) {
            throw new IllegalArgumentException("namespace must start with '/' and contain no ',': '" + namespace
                    + "'");
        }
        return new SocketIo(namespace, path, maxAttachments, maxAttachmentBytes);
    }

    /**
     * The same protocol under another server path (the server's {@code path} option).
     *
     * @param path e.g. {@code "/socket.io/"} (the default) or {@code "/rt/"}
     * @return a new protocol
     */
    public SocketIo path(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': '" + path + "'");
        }
        return new SocketIo(namespace, path.endsWith("/") ? path : path + "/", maxAttachments, maxAttachmentBytes);
    }

    /**
     * The same protocol with another bound on the binary attachments of one inbound packet
     * (BINARY_EVENT / BINARY_ACK). A packet that announces more is dropped (its binary frames are
     * skipped) and a {@link io.noa.realtime.LimitExceededException} naming
     * {@code SocketIo.maxAttachments} goes to {@code onError}; the link stays up.
     *
     * @param max at least 1; default 256
     * @return a new protocol
     */
    public SocketIo maxAttachments(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxAttachments must be >= 1, was " + max);
        }
        return new SocketIo(namespace, path, max, maxAttachmentBytes);
    }

    /**
     * The same protocol with another bound on the bytes of all binary attachments of one inbound
     * packet together (each binary frame is also bounded by the transport's
     * {@code maxWebSocketMessageSize}). A packet over it is dropped and a
     * {@link io.noa.realtime.LimitExceededException} naming {@code SocketIo.maxAttachmentBytes} goes
     * to {@code onError}; the link stays up.
     *
     * @param bytes at least 1; default 16 MiB
     * @return a new protocol
     */
    public SocketIo maxAttachmentBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxAttachmentBytes must be >= 1, was " + bytes);
        }
        return new SocketIo(namespace, path, maxAttachments, bytes);
    }

    /**
     * The bound on the binary attachments of one inbound packet.
     *
     * @return the count
     */
    public int maxAttachments() {
        return maxAttachments;
    }

    /**
     * The bound on the attachment bytes of one inbound packet.
     *
     * @return the bytes
     */
    public long maxAttachmentBytes() {
        return maxAttachmentBytes;
    }

    /**
     * The namespace this protocol connects to.
     *
     * @return e.g. {@code "/"}
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The server path.
     *
     * @return e.g. {@code "/socket.io/"}
     */
    public String path() {
        return path;
    }

    @Override
    public String name() {
        return "socket.io-v5";
    }

    @Override
    public Session open(Context context) {
        return new SocketIoSession(context, namespace, maxAttachments, maxAttachmentBytes);
    }

    /**
     * The Engine.IO URI: {@code ws} or {@code wss} ({@code http}/{@code https} are mapped), the
     * configured path, the URL's query plus {@code EIO=4&transport=websocket}.
     */
    @Override
    public URI connectUri(URI configured) {
        String scheme = configured.getScheme() == null ? "ws" : configured.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("http")) {
            scheme = "ws";
        } else if (scheme.equals("https")) {
            scheme = "wss";
        }
        String query = configured.getRawQuery();
        String engine = "EIO=4&transport=websocket";
        String q = query == null || query.isEmpty() ? engine : query + "&" + engine;
        try {
            return new URI(scheme + "://" + configured.getRawAuthority() + path + "?" + q);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot build the Socket.IO URI for " + configured.getHost(), e);
        }
    }

    @Override
    public String toString() {
        return "SocketIo{v5, namespace=" + namespace + ", path=" + path + "}";
    }
}
