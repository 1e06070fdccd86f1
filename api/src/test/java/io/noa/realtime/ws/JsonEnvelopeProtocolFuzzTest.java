package io.noa.realtime.ws;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.event.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target for {@link JsonEnvelopeProtocol}, the default WebSocket wire protocol.
 *
 * <ul>
 *   <li>Any text frame: {@code onText} never throws (the {@link WireProtocol.Session} contract: a frame
 *       that does not decode is reported with {@code protocolError}); it reports exactly one thing to
 *       the context and sends nothing; errors are {@link ProtocolException}s (handshake refusals
 *       {@link HandshakeException}s) whose messages hold at most an excerpt of the frame; an inbound
 *       event's ack id is an id or {@code -1}.
 *   <li>Round trip: for an arbitrary event name and JSON payload (the input parsed as JSON, or as a
 *       string when it is not JSON) and ack id, {@code encodeEvent} gives a frame that decodes to that
 *       very event, payload and ack id (reserved {@code $} names to their handshake callbacks), and
 *       {@code encodeAck} a frame that decodes to that ack.
 * </ul>
 *
 * <p>In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/io/noa/realtime/ws/JsonEnvelopeProtocolFuzzTestInputs/anyFrameAndRoundTrip}.
 */
class JsonEnvelopeProtocolFuzzTest {
    /** Our part of an error message: the fixed words, the target and an excerpt of at most 200 chars. */
    private static final int MAX_MESSAGE = 400;
    private static final ObjectMapper MAPPER = EventCodec.defaults().mapper();

    @FuzzTest(maxDuration = "10m")
    void anyFrameAndRoundTrip(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        // 1. the input as a frame, as a String and as another CharSequence
        onlyOneOutcome(text);
        onlyOneOutcome(new StringBuilder(text));
        // the input read as Latin-1 reaches other characters (controls, no U+FFFD)
        onlyOneOutcome(new String(input, StandardCharsets.ISO_8859_1));

        // 2. round trips
        int h = Arrays.hashCode(input);
        long ackId = (h & 3) == 0 ? -1 : (h & 3) == 1 ? Long.MAX_VALUE - (h >>> 2 & 7) : h >>> 2;
        int nl = text.indexOf('\n');
        if (nl >= 0) {
            roundTrip(text.substring(0, nl), payload(text.substring(nl + 1)), ackId);
        }
        roundTrip(text, payload(text), ackId);
        roundTrip(text, null, ackId);
        roundTrip("message:send", payload(text), ackId);
    }

    /** Found by the fuzzer: a negative {@code ack} from the peer was passed on as the id to answer. */
    @Test
    void aNegativeAckFromThePeerIsNoAckId() {
        Recorder r = onlyOneOutcome("{\"event\":\"x\",\"data\":1,\"ack\":-5}");
        check(r.calls.get(0).ackId == -1, "no ack id: " + r.calls);
        r = onlyOneOutcome("{\"event\":\"x\",\"data\":1,\"ack\":" + Long.MIN_VALUE + "}");
        check(r.calls.get(0).ackId == -1, "no ack id: " + r.calls);
    }

    private static JsonNode payload(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return n == null || n.isMissingNode() ? TextNode.valueOf(json) : n;
        } catch (IOException e) {
            return TextNode.valueOf(json);
        }
    }

    private static Recorder onlyOneOutcome(CharSequence frame) {
        Recorder r = new Recorder();
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(r);
        s.onText(frame); // never throws: a bad frame is reported, not thrown
        check(r.calls.size() == 1, "exactly one outcome per frame, got " + r.calls);
        check(r.sent.isEmpty(), "decoding a frame sends nothing");
        return r;
    }

    private static void roundTrip(String name, JsonNode data, long ackId) {
        Recorder enc = new Recorder();
        WireProtocol.Session sender = JsonEnvelopeProtocol.instance().open(enc);
        String frame = sender.encodeEvent(name, data, ackId);
        JsonNode expected = data == null ? MAPPER.nullNode() : data;
        Recorder r = onlyOneOutcome(frame);
        Call c = r.calls.get(0);
        switch (name) {
            case "$connected":
                check(c.kind.equals("connected"), "$connected is the handshake: " + c);
                break;
            case "$connect_error":
                check(c.kind.equals("refused"), "$connect_error refuses the handshake: " + c);
                break;
            case "$disconnect":
                check(c.kind.equals("bye"), "$disconnect ends the session: " + c);
                break;
            default:
                check(c.kind.equals("event") && c.name.equals(name) && c.ackId == ackId,
                        "event " + quote(name) + " with ack " + ackId + " came back as " + c);
                if (finite(expected)) {
                    check(expected.equals(c.data), "payload " + expected + " came back as " + c.data);
                }
        }
        if (ackId >= 0) {
            Recorder a = onlyOneOutcome(sender.encodeAck(ackId, data));
            Call ack = a.calls.get(0);
            check(ack.kind.equals("ack") && ack.ackId == ackId, "ack " + ackId + " came back as " + ack);
            if (finite(expected)) {
                check(expected.equals(ack.data), "ack payload " + expected + " came back as " + ack.data);
            }
        }
    }

    /**
     * JSON has no NaN or infinity; Jackson writes them as strings. A payload parsed from text holds
     * one only when a number overflowed a double ({@code 1e999}); such payloads are left out of the
     * equality check.
     */
    private static boolean finite(JsonNode n) {
        if (n.isDouble() || n.isFloat()) {
            return Double.isFinite(n.doubleValue());
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
            if (!finite(it.next())) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String s) {
        return s.length() > 100 ? '"' + s.substring(0, 100) + "\"..." : '"' + s + '"';
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** One thing the session reported. */
    private static final class Call {
        final String kind;
        final String name;
        final JsonNode data;
        final long ackId;

        Call(String kind, String name, JsonNode data, long ackId) {
            this.kind = kind;
            this.name = name;
            this.data = data;
            this.ackId = ackId;
        }

        @Override
        public String toString() {
            return kind + "(" + (name == null ? "" : quote(name)) + ", " + data + ", " + ackId + ")";
        }
    }

    /** A context that records, and checks each argument against the documented contract. */
    private static final class Recorder implements WireProtocol.Context {
        final List<Call> calls = new ArrayList<>();
        final List<String> sent = new ArrayList<>();

        @Override
        public String target() {
            return "ws://127.0.0.1:1/ws";
        }

        @Override
        public JsonNode auth() {
            return MAPPER.nullNode();
        }

        @Override
        public EventCodec codec() {
            return EventCodec.defaults();
        }

        @Override
        public void send(String frame) {
            sent.add(frame);
        }

        @Override
        public void handshakeSucceeded(String sessionId) {
            check(sessionId != null, "a session id, possibly empty");
            calls.add(new Call("connected", sessionId, null, -1));
        }

        @Override
        public void handshakeFailed(RealtimeException error) {
            check(error instanceof HandshakeException, "a handshake refusal is a HandshakeException: " + error);
            message(error);
            calls.add(new Call("refused", null, null, -1));
        }

        @Override
        public void event(String event, JsonNode data, long ackId) {
            check(event != null && data != null, "an event has a name and a payload");
            check(ackId >= -1, "the ack id to answer is an id or -1, got " + ackId);
            calls.add(new Call("event", event, data, ackId));
        }

        @Override
        public void ack(long ackId, JsonNode data) {
            check(data != null, "an ack has a payload");
            calls.add(new Call("ack", null, data, ackId));
        }

        @Override
        public void ackError(long ackId, RealtimeException error) {
            Objects.requireNonNull(error, "error");
            message(error);
            calls.add(new Call("nack", null, null, ackId));
        }

        @Override
        public void protocolError(RealtimeException error) {
            check(error instanceof ProtocolException, "a bad frame is a ProtocolException: " + error);
            message(error);
            calls.add(new Call("error", null, null, -1));
        }

        @Override
        public void expectTrafficWithin(Duration timeout) {
            calls.add(new Call("expect", null, null, -1));
        }

        @Override
        public void serverDisconnected(String reason) {
            check(reason != null, "a reason");
            calls.add(new Call("bye", reason, null, -1));
        }

        private static void message(RealtimeException error) {
            String m = error.getMessage();
            check(m != null && m.length() <= MAX_MESSAGE, "an error message holds an excerpt, not the frame: "
                    + (m == null ? null : m.length() + " chars"));
        }
    }
}
