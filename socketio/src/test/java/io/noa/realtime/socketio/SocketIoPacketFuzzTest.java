package io.noa.realtime.socketio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.event.EventCodec;
import io.noa.realtime.ws.WireProtocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fuzz target for the Socket.IO v5 / Engine.IO v4 packet decoder and the binary reassembly of
 * {@link SocketIoSession}, without a network: frames in, what the session reports out.
 *
 * <p>The input is a sequence of frames separated by {@code '\n'}; a frame whose first byte is
 * {@code 0x01} is a binary frame (the rest of its bytes), any other a text frame (UTF-8). The
 * first byte also picks the setting: the main namespace or {@code /chat}, default or tiny bounds
 * ({@link SocketIo#maxAttachments(int)} 2, {@link SocketIo#maxAttachmentBytes(long)} 16), no auth
 * or an auth object. The frames go through one session and then, with the same carry-over slot
 * (connection-state recovery across links), through a second one. Checks:
 *
 * <ul>
 *   <li>{@code onText}/{@code onBinary} never throw: what does not decode is reported;
 *   <li>every reported error is typed ({@link ProtocolException}, {@link LimitExceededException},
 *       {@link HandshakeException}, or the {@link RealtimeException} of an ack answered with an
 *       error) and its message is bounded (an excerpt, never the whole frame);
 *   <li>an inbound event has a name and an ack id that is an id or {@code -1}; an ack an id;
 *   <li>the binary attachments handed to the client never pass the bounds: at most
 *       {@code maxAttachments} binary values per packet, at most {@code maxAttachmentBytes} in all;
 *   <li>the allowed silence handed to {@code expectTrafficWithin} is positive and usable as a
 *       timer delay ({@link Duration#toNanos()} does not overflow), whatever the open packet says;
 *   <li>what the session sends is only a pong ({@code 3…}) or a CONNECT ({@code 40…}).
 * </ul>
 *
 * <p>In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/io/noa/realtime/socketio/SocketIoPacketFuzzTestInputs/anyFramesOnlyTypedErrorsAndBoundsHold}.
 */
class SocketIoPacketFuzzTest {
    /** Our words around an excerpt (120 characters of the frame) or the server's text (an excerpt of 200). */
    private static final int MAX_MESSAGE = 500;

    @FuzzTest(maxDuration = "10m")
    void anyFramesOnlyTypedErrorsAndBoundsHold(byte[] input) {
        int setting = input.length == 0 ? 0 : input[0] & 0xFF;
        SocketIo protocol = SocketIo.v5();
        if ((setting & 1) != 0) {
            protocol = protocol.namespace("/chat");
        }
        if ((setting & 2) != 0) {
            protocol = protocol.maxAttachments(2).maxAttachmentBytes(16);
        }
        JsonNode auth = (setting & 4) != 0
                ? EventCodec.defaults().mapper().createObjectNode().put("token", "t")
                : NullNode.getInstance();
        List<byte[]> frames = split(input);
        AtomicReference<Object> carry = new AtomicReference<>();
        for (int link = 0; link < 2; link++) {
            Recorder ctx = new Recorder(protocol, auth, carry);
            WireProtocol.Session s = protocol.open(ctx);
            s.onOpen();
            for (byte[] f : frames) {
                if (f.length > 0 && f[0] == 1) {
                    ByteBuffer b = ByteBuffer.wrap(f, 1, f.length - 1).slice();
                    s.onBinary(b, ctx);
                    check(b.position() == 0 && b.remaining() == f.length - 1, "the session moved the buffer it was lent");
                } else {
                    s.onText(new String(f, StandardCharsets.UTF_8));
                }
            }
            check(s.maxFrameBytes() > 0, "maxFrameBytes " + s.maxFrameBytes());
            s.closingFrame();
        }
    }

    // ---- what the fuzzer found, as plain tests ---------------------------------------------------

    /**
     * An open packet whose {@code pingInterval + pingTimeout} overflowed a long gave a negative
     * allowed silence (the client's liveness timer then declared the link dead at once, on every
     * reconnect); a huge one that did not overflow made a delay whose nanoseconds overflow (the
     * liveness check threw inside the timer and never ran). Both are capped at a day now.
     */
    @org.junit.jupiter.api.Test
    void hugePingIntervalsGiveAUsableAllowedSilence() {
        for (String open : List.of(
                "0{\"sid\":\"e\",\"pingInterval\":9223372036854775807,\"pingTimeout\":9223372036854775807}",
                "0{\"sid\":\"e\",\"pingInterval\":4611686018427387904,\"pingTimeout\":4611686018427387904}",
                "0{\"sid\":\"e\",\"pingInterval\":1e300,\"pingTimeout\":20000}",
                "0{\"sid\":\"e\",\"pingInterval\":1000000000000000,\"pingTimeout\":0}")) {
            List<Duration> allowed = new ArrayList<>();
            Recorder ctx = new Recorder(SocketIo.v5(), NullNode.getInstance(), new AtomicReference<>()) {
                @Override
                public void expectTrafficWithin(Duration timeout) {
                    allowed.add(timeout);
                }
            };
            WireProtocol.Session s = SocketIo.v5().open(ctx);
            s.onText(open);
            s.onText("2");
            check(allowed.size() == 2, "armed twice: " + allowed);
            for (Duration d : allowed) {
                check(d.equals(Duration.ofMillis(SocketIoSession.MAX_SILENCE_MILLIS)), open + " allowed " + d);
            }
        }
    }

    /**
     * Events that arrive before the CONNECT reply are held until it (a recovering server replays
     * the missed ones first); they were bounded by count only (100,000 events of up to a whole
     * frame each). Now their characters are bounded too: past the bound one
     * {@link LimitExceededException} is reported, the events held so far are delivered at the
     * CONNECT reply, the rest dropped.
     */
    @org.junit.jupiter.api.Test
    void eventsHeldBeforeTheConnectReplyAreBoundedInSize() {
        List<RealtimeException> errors = new ArrayList<>();
        List<String> delivered = new ArrayList<>();
        Recorder ctx = new Recorder(SocketIo.v5(), NullNode.getInstance(), new AtomicReference<>()) {
            @Override
            public void protocolError(RealtimeException error) {
                super.protocolError(error);
                errors.add(error);
            }

            @Override
            public void event(String event, JsonNode data, long ackId) {
                super.event(event, data, ackId);
                delivered.add(event);
            }
        };
        WireProtocol.Session s = SocketIo.v5().open(ctx);
        s.onText("0{\"sid\":\"e\",\"pingInterval\":25000,\"pingTimeout\":20000}");
        String big = "x".repeat(1 << 20);
        int sent = (int) (SocketIoSession.MAX_EARLY_CHARS >> 20) + 8;
        for (int i = 0; i < sent; i++) {
            s.onText("42[\"e" + i + "\",\"" + big + "\"]");
        }
        check(errors.size() == 1 && errors.get(0) instanceof LimitExceededException,
                "one limit error for " + sent + " MiB held back, got " + errors);
        s.onText("40{\"sid\":\"s\"}");
        check(!delivered.isEmpty() && delivered.size() < sent, delivered.size() + " of " + sent + " delivered");
        for (int i = 0; i < delivered.size(); i++) {
            check(delivered.get(i).equals("e" + i), "in order: " + delivered.get(i) + " at " + i);
        }
    }

    private static List<byte[]> split(byte[] input) {
        List<byte[]> frames = new ArrayList<>();
        int start = input.length == 0 ? 0 : 1; // the first byte is the setting
        for (int i = start; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                byte[] f = new byte[i - start];
                System.arraycopy(input, start, f, 0, f.length);
                frames.add(f);
                start = i + 1;
            }
        }
        return frames;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** Checks every report against the contract as it is made. */
    private static class Recorder implements WireProtocol.Context {
        private final SocketIo protocol;
        private final JsonNode auth;
        private final AtomicReference<Object> carry;

        Recorder(SocketIo protocol, JsonNode auth, AtomicReference<Object> carry) {
            this.protocol = protocol;
            this.auth = auth;
            this.carry = carry;
        }

        @Override
        public String target() {
            return "ws://127.0.0.1:1/socket.io/";
        }

        @Override
        public JsonNode auth() {
            return auth;
        }

        @Override
        public EventCodec codec() {
            return EventCodec.defaults();
        }

        @Override
        public void send(String frame) {
            check(frame.startsWith("3") || frame.startsWith("40"), "sent " + frame);
        }

        @Override
        public AtomicReference<Object> carryOver() {
            return carry;
        }

        @Override
        public void handshakeSucceeded(String sessionId) {
            check(sessionId != null, "a session id, possibly empty");
        }

        @Override
        public void handshakeFailed(RealtimeException error) {
            check(error instanceof HandshakeException, "handshake refusals are HandshakeExceptions: " + error);
            bounded(error);
        }

        @Override
        public void event(String event, JsonNode data, long ackId) {
            check(event != null && data != null, "event " + event + " " + data);
            check(ackId >= -1, "ack id " + ackId);
            binaryWithinBounds(data);
        }

        @Override
        public void ack(long ackId, JsonNode data) {
            check(ackId >= 0 && data != null, "ack " + ackId + " " + data);
            binaryWithinBounds(data);
        }

        @Override
        public void ackError(long ackId, RealtimeException error) {
            check(ackId >= 0 && error != null, "ack error " + ackId);
            bounded(error);
        }

        @Override
        public void protocolError(RealtimeException error) {
            check(error instanceof ProtocolException || error instanceof LimitExceededException,
                    "protocol errors are typed: " + error);
            bounded(error);
        }

        @Override
        public void expectTrafficWithin(Duration timeout) {
            check(timeout != null && !timeout.isNegative() && !timeout.isZero(), "allowed silence " + timeout);
            try {
                timeout.toNanos(); // what the client's liveness timer computes with
            } catch (ArithmeticException e) {
                throw new AssertionError("allowed silence " + timeout + " overflows a timer delay", e);
            }
        }

        @Override
        public void serverDisconnected(String reason) {
            check(reason != null, "a reason");
        }

        private static void bounded(RealtimeException e) {
            String m = e.getMessage();
            check(m != null && m.length() <= MAX_MESSAGE, "message of " + (m == null ? 0 : m.length()) + " chars");
        }

        private void binaryWithinBounds(JsonNode data) {
            long[] found = new long[2];
            count(data, found, 0);
            check(found[0] <= protocol.maxAttachments(), found[0] + " binary values > " + protocol.maxAttachments());
            check(found[1] <= protocol.maxAttachmentBytes(), found[1] + " binary bytes > " + protocol.maxAttachmentBytes());
        }

        private static void count(JsonNode n, long[] found, int depth) {
            if (n.isBinary()) {
                found[0]++;
                try {
                    found[1] += n.binaryValue().length;
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                return;
            }
            if (depth > 2000) {
                return;
            }
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                count(it.next(), found, depth + 1);
            }
        }
    }
}
