package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.event.EventCodec;
import io.noa.realtime.ws.WireMessage;
import io.noa.realtime.ws.WireProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The BINARY_EVENT / BINARY_ACK codec of {@link SocketIoSession} without a network: frames in,
 * what the session reports out (the scenarios against the real server are in
 * {@link SocketIoBinaryScenarios}).
 */
class SocketIoBinaryCodecTest {
    private static final EventCodec CODEC = EventCodec.defaults();

    /** Records what a session reports. */
    static final class Recorder implements WireProtocol.Context {
        final List<String> sent = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final List<JsonNode> data = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        final List<RealtimeException> errors = new ArrayList<>();

        @Override
        public String target() {
            return "ws://127.0.0.1:1/";
        }

        @Override
        public JsonNode auth() {
            return NullNode.getInstance();
        }

        @Override
        public EventCodec codec() {
            return CODEC;
        }

        @Override
        public void send(String frame) {
            sent.add(frame);
        }

        @Override
        public void handshakeSucceeded(String sessionId) {}

        @Override
        public void handshakeFailed(RealtimeException error) {
            errors.add(error);
        }

        @Override
        public void event(String event, JsonNode payload, long ackId) {
            events.add(event);
            data.add(payload);
            ids.add(ackId);
        }

        @Override
        public void ack(long ackId, JsonNode payload) {
            events.add("$ack");
            data.add(payload);
            ids.add(ackId);
        }

        @Override
        public void ackError(long ackId, RealtimeException error) {
            errors.add(error);
        }

        @Override
        public void protocolError(RealtimeException error) {
            errors.add(error);
        }

        @Override
        public void expectTrafficWithin(Duration timeout) {}

        @Override
        public void serverDisconnected(String reason) {}
    }

    private final Recorder ctx = new Recorder();

    private WireProtocol.Session connected(SocketIo protocol) {
        return connected(protocol, 1_000_000);
    }

    private WireProtocol.Session connected(SocketIo protocol, long maxPayload) {
        WireProtocol.Session s = protocol.open(ctx);
        s.onOpen();
        s.onText("0{\"sid\":\"e\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":"
                + maxPayload + "}");
        s.onText("40{\"sid\":\"s\"}");
        assertThat(ctx.errors).isEmpty();
        return s;
    }

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static JsonNode json(String s) throws IOException {
        return CODEC.mapper().readTree(s);
    }

    @Test
    void bytesAnywhereInThePayloadBecomePlaceholdersAndBinaryFramesInDocumentOrder() throws Exception {
        WireProtocol.Session s = connected(SocketIo.v5());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("name", "photo");
        payload.put("file", new byte[] {1, 2, 3});
        payload.put("parts", List.of(1, Map.of("chunk", ByteBuffer.wrap(new byte[] {9, 8, 7, 6}, 1, 2))));

        WireMessage m = s.encodeEventMessage("blob:echo", CODEC.encode(payload), 7);

        assertThat(m.text()).startsWith("452-7[");
        assertThat(json(m.text().substring("452-7".length()))).isEqualTo(json("[\"blob:echo\",{\"name\":\"photo\","
                + "\"file\":{\"_placeholder\":true,\"num\":0},\"parts\":[1,{\"chunk\":{\"_placeholder\":true,\"num\":1}}]}]"));
        assertThat(m.attachments()).hasSize(2);
        assertThat(bytes(m.attachments().get(0))).containsExactly(1, 2, 3);
        assertThat(bytes(m.attachments().get(1))).containsExactly(8, 7);
        assertThat(m.attachmentBytes()).isEqualTo(5);
    }

    @Test
    void aPayloadWithoutBytesStaysAPlainEventAndNamespacesAndAcksKeepTheirPlace() throws Exception {
        WireProtocol.Session main = connected(SocketIo.v5());
        assertThat(main.encodeEventMessage("x", CODEC.encode(1), -1).text()).isEqualTo("42[\"x\",1]");
        assertThat(main.encodeEventMessage("x", CODEC.encode(1), -1).attachments()).isEmpty();
        assertThat(main.encodeEvent("x", CODEC.encode(1), 3)).isEqualTo("423[\"x\",1]");

        WireProtocol.Session admin = SocketIo.v5().namespace("/admin").open(ctx);
        WireMessage m = admin.encodeEventMessage("x", CODEC.encode(Map.of("b", new byte[] {5})), 12);
        assertThat(m.text()).isEqualTo("451-/admin,12[\"x\",{\"b\":{\"_placeholder\":true,\"num\":0}}]");
        WireMessage ack = admin.encodeAckMessage(4, CODEC.encode(List.of(new byte[] {1}, "t", new byte[0])));
        assertThat(ack.text()).isEqualTo("462-/admin,4[[{\"_placeholder\":true,\"num\":0},\"t\","
                + "{\"_placeholder\":true,\"num\":1}]]");
        assertThat(ack.attachments()).extracting(b -> b.remaining()).containsExactly(1, 0);
        assertThatThrownBy(() -> admin.encodeEvent("x", CODEC.encode(new byte[] {1}), -1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("encodeEventMessage");
    }

    @Test
    void aBinaryEventIsPutBackTogetherFromTheFramesThatFollowIt() throws Exception {
        WireProtocol.Session s = connected(SocketIo.v5());
        s.onText("452-[\"blob:push\",{\"a\":{\"_placeholder\":true,\"num\":1},\"list\":[{\"_placeholder\":true,\"num\":0}]}]");
        assertThat(ctx.events).isEmpty();
        s.onBinary(buf("zero"), ctx);
        s.onText("2"); // an Engine.IO ping between attachments is fine
        assertThat(ctx.sent).endsWith("3");
        assertThat(ctx.events).isEmpty();
        s.onBinary(buf("one"), ctx);

        assertThat(ctx.errors).isEmpty();
        assertThat(ctx.events).containsExactly("blob:push");
        assertThat(ctx.ids).containsExactly(-1L);
        JsonNode d = ctx.data.get(0);
        assertThat(d.get("a").isBinary()).isTrue();
        assertThat(new String(d.get("a").binaryValue(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(new String(d.get("list").get(0).binaryValue(), StandardCharsets.UTF_8)).isEqualTo("zero");
        // typed decoding sees byte[] / ByteBuffer fields
        record Push(byte[] a, List<ByteBuffer> list) {}
        Push p = CODEC.decode(io.noa.realtime.event.EventType.of("blob:push", Push.class), d);
        assertThat(p.a()).isEqualTo("one".getBytes(StandardCharsets.UTF_8));
        assertThat(bytes(p.list().get(0))).isEqualTo("zero".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBinaryAckAndAnEventWithAnAckIdAndZeroAttachmentsDecode() throws Exception {
        WireProtocol.Session s = connected(SocketIo.v5());
        s.onText("461-5[{\"echo\":{\"_placeholder\":true,\"num\":0}}]");
        s.onBinary(ByteBuffer.wrap(new byte[] {0, -1}), ctx);
        s.onText("451-9[\"ask\",{\"_placeholder\":true,\"num\":0}]");
        s.onBinary(ByteBuffer.wrap(new byte[] {42}), ctx);
        s.onText("450-[\"plain\",1]");

        assertThat(ctx.errors).isEmpty();
        assertThat(ctx.events).containsExactly("$ack", "ask", "plain");
        assertThat(ctx.ids).containsExactly(5L, 9L, -1L);
        assertThat(ctx.data.get(0).get("echo").binaryValue()).containsExactly(0, -1);
        assertThat(ctx.data.get(1).binaryValue()).containsExactly(42);
        assertThat(ctx.data.get(2).asInt()).isEqualTo(1);
    }

    @Test
    void whatWeEncodeDecodesToTheSameTree() throws Exception {
        WireProtocol.Session sender = connected(SocketIo.v5());
        JsonNode original = CODEC.encode(Map.of("x", List.of(new byte[] {1, 2}, Map.of("deep", List.of(List.of(
                new byte[300]))), "text"), "y", new byte[0]));
        WireMessage m = sender.encodeEventMessage("round", original, -1);
        WireProtocol.Session receiver = connected(SocketIo.v5());
        receiver.onText(m.text());
        for (ByteBuffer b : m.attachments()) {
            receiver.onBinary(b.duplicate(), ctx);
        }
        assertThat(ctx.errors).isEmpty();
        assertThat(ctx.data).singleElement().isEqualTo(original);
    }

    @Test
    void moreAttachmentsThanMaxAttachmentsAreDroppedWithATypedErrorAndTheLinkGoesOn() {
        WireProtocol.Session s = connected(SocketIo.v5().maxAttachments(2));
        s.onText("453-[\"big\",{\"_placeholder\":true,\"num\":0}]");
        s.onBinary(buf("a"), ctx);
        s.onBinary(buf("b"), ctx);
        s.onBinary(buf("c"), ctx);
        s.onText("42[\"after\",1]");

        assertThat(ctx.errors).singleElement().isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.setting()).isEqualTo("SocketIo.maxAttachments");
            assertThat(e.limit()).isEqualTo(2);
        });
        assertThat(ctx.events).containsExactly("after");
    }

    @Test
    void attachmentsOverMaxAttachmentBytesAreDroppedWithATypedErrorAndTheLinkGoesOn() throws Exception {
        WireProtocol.Session s = connected(SocketIo.v5().maxAttachmentBytes(100));
        s.onText("453-[\"big\",[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},"
                + "{\"_placeholder\":true,\"num\":2}]]");
        s.onBinary(ByteBuffer.allocate(60), ctx);
        s.onBinary(ByteBuffer.allocate(60), ctx); // over: the packet is dropped
        s.onBinary(ByteBuffer.allocate(1), ctx); // its last frame is skipped
        s.onText("451-[\"small\",{\"_placeholder\":true,\"num\":0}]");
        s.onBinary(ByteBuffer.allocate(100), ctx); // exactly the bound is fine

        assertThat(ctx.errors).singleElement().isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.setting()).isEqualTo("SocketIo.maxAttachmentBytes"));
        assertThat(ctx.events).containsExactly("small");
        assertThat(ctx.data.get(0).binaryValue()).hasSize(100);
    }

    @Test
    void brokenBinaryPacketsAreProtocolErrorsAndTheLinkGoesOn() {
        WireProtocol.Session s = connected(SocketIo.v5());
        s.onBinary(buf("stray"), ctx); // no packet waits for it
        s.onText("45-[\"x\"]"); // no count
        s.onText("451[\"x\"]"); // no '-'
        s.onText("451234567890-[\"x\"]"); // count too long
        s.onText("451-[\"x\",{\"_placeholder\":true,\"num\":3}]"); // names no attachment
        s.onBinary(buf("only"), ctx);
        s.onText("452-[\"x\",1]"); // two announced ...
        s.onBinary(buf("one"), ctx);
        s.onText("42[\"next\",2]"); // ... but a packet comes first: the unfinished one is dropped

        assertThat(ctx.errors).hasSize(6).allSatisfy(e -> assertThat(e).isInstanceOf(ProtocolException.class));
        assertThat(ctx.errors.get(0)).hasMessageContaining("Unexpected binary frame");
        assertThat(ctx.errors.get(5)).hasMessageContaining("still missing");
        assertThat(ctx.events).containsExactly("next");
    }

    @Test
    void anAttachmentOverTheServersMaxPayloadIsRefusedBeforeItIsSent() {
        WireProtocol.Session s = connected(SocketIo.v5(), 10);
        assertThat(s.encodeEventMessage("ok", CODEC.encode(new byte[10]), -1).attachments()).hasSize(1);
        assertThatThrownBy(() -> s.encodeEventMessage("big", CODEC.encode(Map.of("f", new byte[11])), 1))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(10);
                    assertThat(e.setting()).contains("maxHttpBufferSize");
                });
    }

    @Test
    void theAttachmentsOfAMalformedBinaryPacketAreDroppedWithOneReport() {
        WireProtocol.Session s = connected(SocketIo.v5());
        s.onText("452-[\"x\",{not json");
        s.onBinary(buf("a"), ctx);
        s.onBinary(buf("b"), ctx);
        s.onText("42[\"next\",1]");
        assertThat(ctx.errors).singleElement().isInstanceOf(ProtocolException.class);
        assertThat(ctx.events).containsExactly("next");
    }

    @Test
    void binaryFramesOfAnotherNamespacesPacketAreSkipped() {
        WireProtocol.Session s = connected(SocketIo.v5());
        s.onText("451-/admin,[\"theirs\",{\"_placeholder\":true,\"num\":0}]");
        s.onBinary(buf("not ours"), ctx);
        s.onText("42[\"ours\",1]");
        assertThat(ctx.errors).isEmpty();
        assertThat(ctx.events).containsExactly("ours");
    }
}
