package io.noa.realtime.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.event.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The envelope format itself, frame by frame (no network: the protocol only maps frames). */
class JsonEnvelopeProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Recorder implements WireProtocol.Context {
        final List<String> sent = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        final JsonNode auth;

        Recorder(JsonNode auth) {
            this.auth = auth;
        }

        @Override
        public String target() {
            return "ws://127.0.0.1/ws";
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
            sent.add(frame);
        }

        @Override
        public void handshakeSucceeded(String sessionId) {
            calls.add("connected:" + sessionId);
        }

        @Override
        public void handshakeFailed(RealtimeException error) {
            calls.add("refused:" + error.getClass().getSimpleName() + ":" + error.getMessage());
        }

        @Override
        public void event(String event, JsonNode data, long ackId) {
            calls.add("event:" + event + ":" + data + ":" + ackId);
        }

        @Override
        public void ack(long ackId, JsonNode data) {
            calls.add("ack:" + ackId + ":" + data);
        }

        @Override
        public void ackError(long ackId, RealtimeException error) {
            calls.add("nack:" + ackId + ":" + error.getMessage());
        }

        @Override
        public void protocolError(RealtimeException error) {
            calls.add("error:" + error.getClass().getSimpleName());
        }

        @Override
        public void expectTrafficWithin(Duration timeout) {
            calls.add("expect:" + timeout);
        }

        @Override
        public void serverDisconnected(String reason) {
            calls.add("bye:" + reason);
        }
    }

    @Test
    void handshakeCarriesAuth() throws Exception {
        Recorder r = new Recorder(JSON.readTree("{\"token\":\"t-1\"}"));
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(r);
        s.onOpen();
        assertThat(r.sent).containsExactly("{\"event\":\"$connect\",\"data\":{\"token\":\"t-1\"}}");
        s.onText("{\"event\":\"$connected\",\"data\":{\"sid\":\"abc\"}}");
        assertThat(r.calls).containsExactly("connected:abc");
        assertThat(s.heartbeat()).isEqualTo(WireProtocol.Heartbeat.CLIENT_PING);
    }

    @Test
    void refusedHandshakeIsAHandshakeException() {
        Recorder r = new Recorder(JSON.nullNode());
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(r);
        s.onText("{\"event\":\"$connect_error\",\"data\":{\"message\":\"invalid token\"}}");
        assertThat(r.calls).singleElement().asString().startsWith("refused:" + HandshakeException.class.getSimpleName())
                .contains("invalid token");
    }

    @Test
    void encodesEventsWithAndWithoutAck() throws Exception {
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(new Recorder(JSON.nullNode()));
        long id = s.nextAckId();
        assertThat(s.nextAckId()).isEqualTo(id + 1);
        assertThat(JSON.readTree(s.encodeEvent("message:send", JSON.readTree("{\"content\":\"hi\\\"\"}"), 7)))
                .isEqualTo(JSON.readTree("{\"event\":\"message:send\",\"data\":{\"content\":\"hi\\\"\"},\"ack\":7}"));
        assertThat(s.encodeEvent("x", null, -1)).isEqualTo("{\"event\":\"x\",\"data\":null}");
        assertThat(s.encodeAck(3, JSON.readTree("[1]"))).isEqualTo("{\"ack\":3,\"data\":[1]}");
    }

    @Test
    void decodesEventsAcksAndNegativeAcks() {
        Recorder r = new Recorder(JSON.nullNode());
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(r);
        s.onText("{\"event\":\"message:new\",\"data\":{\"a\":1}}");
        s.onText("{\"event\":\"question\",\"data\":2,\"ack\":9}");
        s.onText("{\"event\":\"empty\"}");
        s.onText("{\"ack\":4,\"data\":{\"ok\":true}}");
        s.onText("{\"ack\":5,\"error\":{\"message\":\"forbidden\"}}");
        s.onText("{\"event\":\"$disconnect\",\"data\":{\"reason\":\"kicked\"}}");
        assertThat(r.calls).containsExactly("event:message:new:{\"a\":1}:-1", "event:question:2:9", "event:empty:null:-1",
                "ack:4:{\"ok\":true}", "nack:5:The server answered with an error: forbidden", "bye:kicked");
    }

    @Test
    void malformedFramesAreReportedNotThrown() {
        Recorder r = new Recorder(JSON.nullNode());
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(r);
        s.onText("{not json");
        s.onText("[1,2]");
        s.onText("{\"neither\":true}");
        assertThat(r.calls).containsExactly("error:" + ProtocolException.class.getSimpleName(),
                "error:" + ProtocolException.class.getSimpleName(), "error:" + ProtocolException.class.getSimpleName());
    }

    /** Issue 17: a payload nested past Jackson's write depth (1,000) threw an untyped UncheckedIOException. */
    @Test
    void payloadTooDeepToEncodeIsATypedError() {
        WireProtocol.Session s = JsonEnvelopeProtocol.instance().open(new Recorder(JSON.nullNode()));
        com.fasterxml.jackson.databind.node.ArrayNode root = JSON.createArrayNode();
        com.fasterxml.jackson.databind.node.ArrayNode a = root;
        for (int i = 0; i < 1_000; i++) {
            a = a.addArray();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.encodeEvent("deep", root, 1))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("'deep'").hasMessageContaining("nest");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.encodeAck(1, root))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("nest");
    }
}
