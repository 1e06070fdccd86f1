package io.noa.realtime.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.internal.Redaction;
import java.io.IOException;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default wire protocol: one JSON object per text frame.
 *
 * <table>
 *   <caption>Frames</caption>
 *   <tr><th>direction</th><th>frame</th><th>meaning</th></tr>
 *   <tr><td>client → server</td><td>{@code {"event":"$connect","data":<auth>}}</td><td>handshake, first frame</td></tr>
 *   <tr><td>server → client</td><td>{@code {"event":"$connected","data":{"sid":"..."}}}</td><td>handshake accepted</td></tr>
 *   <tr><td>server → client</td><td>{@code {"event":"$connect_error","data":{"message":"..."}}}</td><td>handshake refused</td></tr>
 *   <tr><td>either</td><td>{@code {"event":"message:send","data":{...},"ack":7}}</td><td>an event; {@code ack} asks for an answer</td></tr>
 *   <tr><td>either</td><td>{@code {"ack":7,"data":...}}</td><td>the answer to event 7</td></tr>
 *   <tr><td>either</td><td>{@code {"ack":7,"error":{"message":"..."}}}</td><td>a negative answer</td></tr>
 *   <tr><td>server → client</td><td>{@code {"event":"$disconnect","data":{"reason":"..."}}}</td><td>the server ends the session</td></tr>
 * </table>
 * Heartbeats are WebSocket ping/pong frames sent by the client
 * ({@link WireProtocol.Heartbeat#CLIENT_PING}). Event names starting with {@code $} are reserved.
 */
public final class JsonEnvelopeProtocol implements WireProtocol {
    private static final JsonEnvelopeProtocol INSTANCE = new JsonEnvelopeProtocol();
    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private JsonEnvelopeProtocol() {}

    /**
     * The protocol.
     *
     * @return the shared stateless instance
     */
    public static JsonEnvelopeProtocol instance() {
        return INSTANCE;
    }

    @Override
    public String name() {
        return "json-envelope";
    }

    @Override
    public Session open(Context context) {
        return new EnvelopeSession(context);
    }

    private static final class EnvelopeSession implements Session {
        private final Context ctx;
        private final AtomicLong ackIds = new AtomicLong();
        private final ObjectMapper mapper;

        EnvelopeSession(Context ctx) {
            this.ctx = ctx;
            this.mapper = ctx.codec().mapper();
        }

        @Override
        public void onOpen() {
            ctx.send(encodeEvent("$connect", ctx.auth(), -1));
        }

        @Override
        public void onText(CharSequence frame) {
            JsonNode root;
            try {
                root = mapper.readTree(frame.toString());
            } catch (IOException e) {
                ctx.protocolError(new ProtocolException("Malformed JSON frame from " + ctx.target() + ": "
                        + Redaction.excerpt(frame), e));
                return;
            }
            if (root == null || !root.isObject()) {
                ctx.protocolError(new ProtocolException("Expected a JSON object frame from " + ctx.target() + ": "
                        + Redaction.excerpt(frame)));
                return;
            }
            JsonNode event = root.get("event");
            JsonNode ack = root.get("ack");
            JsonNode data = root.path("data");
            if (event != null && event.isTextual()) {
                String name = event.asText();
                switch (name) {
                    case "$connected":
                        ctx.handshakeSucceeded(data.path("sid").asText(""));
                        return;
                    case "$connect_error":
                        ctx.handshakeFailed(new HandshakeException(ctx.target(), 0,
                                data.path("message").asText("connection refused by the server")));
                        return;
                    case "$disconnect":
                        ctx.serverDisconnected(data.path("reason").asText("server disconnect"));
                        return;
                    default:
                        // a negative ack from the peer is no id: the event is not to be answered
                        ctx.event(name, data.isMissingNode() ? mapper.nullNode() : data,
                                ack != null && ack.canConvertToLong() && ack.asLong() >= 0 ? ack.asLong() : -1);
                        return;
                }
            }
            if (ack != null && ack.canConvertToLong()) {
                JsonNode error = root.get("error");
                if (error != null && !error.isNull()) {
                    String msg = error.isTextual() ? error.asText() : error.path("message").asText("error");
                    ctx.ackError(ack.asLong(), new RealtimeException("The server answered with an error: "
                            + Redaction.excerpt(msg)));
                } else {
                    ctx.ack(ack.asLong(), data.isMissingNode() ? mapper.nullNode() : data);
                }
                return;
            }
            ctx.protocolError(new ProtocolException("Frame from " + ctx.target()
                    + " has neither 'event' nor 'ack': " + Redaction.excerpt(frame)));
        }

        @Override
        public String encodeEvent(String event, JsonNode data, long ackId) {
            StringWriter w = new StringWriter(64);
            try (JsonGenerator g = FACTORY.createGenerator(w)) {
                g.setCodec(mapper);
                g.writeStartObject();
                g.writeStringField("event", event);
                g.writeFieldName("data");
                g.writeTree(data == null ? mapper.nullNode() : data);
                if (ackId >= 0) {
                    g.writeNumberField("ack", ackId);
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw cannotEncode("event '" + event + "'", e);
            }
            return w.toString();
        }

        /**
         * A payload Jackson refuses to write (nested deeper than its {@code StreamWriteConstraints}
         * allow, 1,000 levels by default) is a typed error naming what to change, not an
         * {@code UncheckedIOException}; the message carries no payload.
         */
        private ProtocolException cannotEncode(String what, IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException
                    ? "its data is nested deeper than the JSON writer allows (StreamWriteConstraints.maxNestingDepth of"
                            + " the codec's ObjectMapper; flatten the payload or raise that limit)"
                    : "the JSON writer failed: " + e.getClass().getSimpleName();
            return new ProtocolException("Cannot encode " + what + " for " + ctx.target() + ": " + why, e);
        }

        @Override
        public String encodeAck(long ackId, JsonNode data) {
            StringWriter w = new StringWriter(32);
            try (JsonGenerator g = FACTORY.createGenerator(w)) {
                g.setCodec(mapper);
                g.writeStartObject();
                g.writeNumberField("ack", ackId);
                g.writeFieldName("data");
                g.writeTree(data == null ? mapper.nullNode() : data);
                g.writeEndObject();
            } catch (IOException e) {
                throw cannotEncode("the answer to ack " + ackId, e);
            }
            return w.toString();
        }

        @Override
        public long nextAckId() {
            return ackIds.getAndIncrement();
        }

        @Override
        public Heartbeat heartbeat() {
            return Heartbeat.CLIENT_PING;
        }
    }
}
