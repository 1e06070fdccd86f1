package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.event.EventCodec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How events map to WebSocket frames (text, and binary ones for protocols with binary
 * attachments, see {@link WireMessage}), and what happens on the wire after the WebSocket opens
 * (a handshake carrying the auth payload, the heartbeat style, acknowledgement ids). The client
 * and the transports know nothing of the format, so another protocol (such as Socket.IO v5 over
 * Engine.IO v4) plugs in here without touching either. Implementations are stateless factories;
 * per-connection state lives in the {@link Session} they open.
 */
public interface WireProtocol {
    /**
     * A short name for messages and logs.
     *
     * @return e.g. {@code "json-envelope"}
     */
    String name();

    /**
     * Starts the protocol on a freshly opened WebSocket.
     *
     * @param context what the session may do: send frames, report the handshake and inbound events
     * @return the session for this connection
     */
    Session open(Context context);

    /**
     * The URI to open for a configured URL; a protocol may add its path or query (e.g.
     * Socket.IO's {@code /socket.io/?EIO=4&transport=websocket}).
     *
     * @param configured the URL given to the client
     * @return the URI the WebSocket connects to
     */
    default URI connectUri(URI configured) {
        return configured;
    }

    /** Who keeps the link alive. */
    enum Heartbeat {
        /**
         * The client sends WebSocket ping frames every heartbeat interval and expects a pong (or
         * any frame) within the pong timeout.
         */
        CLIENT_PING,
        /**
         * The server drives heartbeats inside the protocol (e.g. Engine.IO pings that the session
         * answers); the client only watches that some frame arrives within
         * {@link Context#expectTrafficWithin(Duration)}.
         */
        SERVER_DRIVEN
    }

    /**
     * The protocol state of one connection. All methods are called serially by the client; none
     * may block.
     */
    interface Session {
        /** The WebSocket is open: send the handshake, if the protocol has one. */
        void onOpen();

        /**
         * A text frame arrived. Decode it and report through the {@link Context}; a frame that
         * does not decode is reported with {@link Context#protocolError(RealtimeException)},
         * never thrown.
         *
         * @param frame the whole message
         */
        void onText(CharSequence frame);

        /**
         * A binary frame arrived (e.g. a Socket.IO attachment). By default binary frames are not
         * part of the protocol and are reported as a protocol error.
         *
         * @param data valid only during the call
         * @param context the connection's context
         */
        default void onBinary(ByteBuffer data, Context context) {
            context.protocolError(new ProtocolException("Unexpected binary frame of " + data.remaining()
                    + " bytes from " + context.target()));
        }

        /**
         * Encodes an event.
         *
         * @param event the event name
         * @param data the payload (JSON null for none)
         * @param ackId an id from {@link #nextAckId()} when an acknowledgement is wanted, or
         *     {@code -1}
         * @return the frame to send
         */
        String encodeEvent(String event, JsonNode data, long ackId);

        /**
         * Encodes the answer to an inbound event that asked for an acknowledgement.
         *
         * @param ackId the id the peer sent
         * @param data the answer
         * @return the frame to send
         */
        String encodeAck(long ackId, JsonNode data);

        /**
         * Encodes an event as a whole message: a text frame, plus binary frames when the protocol
         * carries binary data in them (e.g. a Socket.IO BINARY_EVENT for a payload holding
         * {@code byte[]} or {@code ByteBuffer} values, which the codec turns into binary JSON
         * nodes). The client sends events through this method; the default wraps
         * {@link #encodeEvent}.
         *
         * @param event the event name
         * @param data the payload (JSON null for none)
         * @param ackId an id when an acknowledgement is wanted, or {@code -1}
         * @return the frames to send, back to back
         */
        default WireMessage encodeEventMessage(String event, JsonNode data, long ackId) {
            return WireMessage.text(encodeEvent(event, data, ackId));
        }

        /**
         * Encodes the answer to an inbound event as a whole message (see
         * {@link #encodeEventMessage}). The client sends answers through this method; the default
         * wraps {@link #encodeAck}.
         *
         * @param ackId the id the peer sent
         * @param data the answer
         * @return the frames to send, back to back
         */
        default WireMessage encodeAckMessage(long ackId, JsonNode data) {
            return WireMessage.text(encodeAck(ackId, data));
        }

        /**
         * Allocates an acknowledgement id for this connection. {@link RealtimeClient} does not
         * call it: the client allocates the ids it passes to {@link #encodeEvent} itself, unique
         * over the client's life and new on every try, so a late answer to an earlier try or an
         * earlier link can never complete a later emit; a protocol must accept any non-negative id.
         *
         * @return a fresh id, not negative
         */
        long nextAckId();

        /**
         * The heartbeat style.
         *
         * @return who keeps the link alive
         */
        Heartbeat heartbeat();

        /**
         * A frame to send before a normal close (e.g. a Socket.IO DISCONNECT packet).
         *
         * @return the frame, or an empty string for none
         */
        default String closingFrame() {
            return "";
        }

        /**
         * The largest frame, in UTF-8 bytes, the peer accepts (e.g. the {@code maxPayload} of
         * Engine.IO's open packet). The client does not send a larger event or answer: an
         * acknowledged emit fails with {@link io.noa.realtime.LimitExceededException}, anything
         * else reports it to the client's error listeners; the link stays up.
         *
         * @return the bound, {@link Long#MAX_VALUE} (the default) for none
         */
        default long maxFrameBytes() {
            return Long.MAX_VALUE;
        }
    }

    /** What a {@link Session} may do. Methods may be called only from inside the session's methods. */
    interface Context {
        /**
         * The endpoint, with credentials and query removed, for error messages.
         *
         * @return the redacted URL
         */
        String target();

        /**
         * The auth payload for this connection (the client's auth supplier was called for it).
         *
         * @return the payload, JSON null when none is configured
         */
        JsonNode auth();

        /**
         * The codec for payloads.
         *
         * @return the codec
         */
        EventCodec codec();

        /**
         * Sends a text frame as is.
         *
         * @param frame the frame
         */
        void send(String frame);

        /**
         * Sends a text frame and the binary frames that belong to it, back to back, in order with
         * every other frame of this connection. The default sends a text-only message through
         * {@link #send(String)} and refuses attachments.
         *
         * @param message the frames
         * @throws UnsupportedOperationException from the default, for a message with attachments
         */
        default void send(WireMessage message) {
            if (!message.attachments().isEmpty()) {
                throw new UnsupportedOperationException("This WireProtocol.Context cannot send binary frames");
            }
            send(message.text());
        }

        /**
         * The handshake succeeded: the client is connected.
         *
         * @param sessionId the server's session id, or an empty string
         */
        void handshakeSucceeded(String sessionId);

        /**
         * The handshake succeeded and says whether the server restored the previous session
         * (Socket.IO connection-state recovery: same session, rooms kept, missed events replayed).
         * A recovered link does not re-join the rooms the previous one had joined.
         *
         * @param sessionId the server's session id, or an empty string
         * @param recovered true when the previous session was restored
         */
        default void handshakeSucceeded(String sessionId, boolean recovered) {
            handshakeSucceeded(sessionId);
        }

        /**
         * A slot in which the protocol carries state from one link of the client to the next
         * (e.g. Socket.IO's private session id and last offset, for connection-state recovery).
         * The client keeps one slot per client and empties it when the application disconnects
         * or the server ends the session, so nothing is carried over an explicit disconnect.
         * Whatever is stored there must not print secrets in {@code toString}.
         *
         * @return the slot; by default a fresh one per call (nothing is carried)
         */
        default AtomicReference<Object> carryOver() {
            return new AtomicReference<>();
        }

        /**
         * The server refused the handshake (e.g. bad auth): the client fails and does not reconnect.
         *
         * @param error a {@link io.noa.realtime.HandshakeException} saying why
         */
        void handshakeFailed(RealtimeException error);

        /**
         * An inbound event.
         *
         * @param event the name
         * @param data the payload
         * @param ackId the id to answer with {@link Session#encodeAck}, or {@code -1}
         */
        void event(String event, JsonNode data, long ackId);

        /**
         * The answer to one of our events.
         *
         * @param ackId the id we allocated
         * @param data the answer
         */
        void ack(long ackId, JsonNode data);

        /**
         * A negative answer to one of our events.
         *
         * @param ackId the id we allocated
         * @param error what the server said
         */
        void ackError(long ackId, RealtimeException error);

        /**
         * A frame could not be decoded; the connection stays up.
         *
         * @param error what is wrong
         */
        void protocolError(RealtimeException error);

        /**
         * The peer will be considered dead if no frame arrives within {@code timeout} from now
         * (used with {@link Heartbeat#SERVER_DRIVEN}). Each call re-arms the timer.
         *
         * @param timeout the allowed silence
         */
        void expectTrafficWithin(Duration timeout);

        /**
         * The server closed the session at protocol level (e.g. a DISCONNECT packet).
         *
         * @param reason why
         */
        void serverDisconnected(String reason);
    }
}
