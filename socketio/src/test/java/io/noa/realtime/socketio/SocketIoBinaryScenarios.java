package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.event.EventType;
import io.noa.realtime.ws.RealtimeClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO binary attachments (BINARY_EVENT / BINARY_ACK) against the real npm {@code socket.io}
 * 4.8.4 server and the official Node {@code socket.io-client}; one subclass per transport supplies
 * {@link #newTransport()}. The server's binary events are in the "binary attachments" block of
 * {@code sio-server/server.js}.
 */
abstract class SocketIoBinaryScenarios extends SocketIoScenarioBase {


    private RealtimeClient user(String name, SocketIo protocol) {
        RealtimeClient c = RealtimeClient.builder(server.uri()).protocol(protocol).transport(transport)
                .auth(Map.of("token", "t-" + name)).reconnectionDelay(Duration.ofMillis(100)).timeout(WAIT).build();
        toClose.add(c);
        await().atMost(WAIT).until(c::isConnected);
        return c;
    }

    private RealtimeClient user(String name) {
        return user(name, SocketIo.v5());
    }


    /** The bytes the server's {@code blobBytes(size, seed)} makes. */
    private static byte[] serverBytes(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ((i * 7 + seed) & 0xff);
        }
        return b;
    }

    private static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 13 + seed);
        }
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void bytesAnywhereInAPayloadComeBackUnchangedThroughTheServersAck() throws Exception {
        RealtimeClient alice = user("alice");
        byte[] file = pattern(500_000, 1); // half of the server's maxPayload
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("name", "photo.png");
        payload.put("file", file);
        payload.put("nested", List.of(Map.of("chunk", ByteBuffer.wrap(pattern(300, 2), 100, 50)), "text", 7));
        payload.put("empty", new byte[0]);

        JsonNode echoed = get(alice.emitWithAck("blob:echo", payload));

        assertThat(echoed.path("name").asText()).isEqualTo("photo.png");
        assertThat(echoed.get("file").isBinary()).isTrue();
        assertThat(echoed.get("file").binaryValue()).isEqualTo(file);
        byte[] chunk = new byte[50];
        System.arraycopy(pattern(300, 2), 100, chunk, 0, 50);
        assertThat(echoed.get("nested").get(0).get("chunk").binaryValue()).isEqualTo(chunk);
        assertThat(echoed.get("nested").get(1).asText()).isEqualTo("text");
        assertThat(echoed.get("nested").get(2).asInt()).isEqualTo(7);
        assertThat(echoed.get("empty").binaryValue()).isEmpty();

        // and the server saw Buffers where we put byte[] / ByteBuffer, not placeholders or base64
        JsonNode seen = get(alice.emitWithAck("blob:inspect", Map.of("a", new byte[] {1, 2, 3},
                "list", List.of(ByteBuffer.wrap(new byte[] {4}), "x"))));
        assertThat(seen.path("a").path("base64").asText()).isEqualTo(b64(new byte[] {1, 2, 3}));
        assertThat(seen.path("list").get(0).path("bytes").asInt()).isEqualTo(1);
        assertThat(seen.path("list").get(1).asText()).isEqualTo("x");
    }

    /** A typed view of the server's blob:push. */
    record Push(String name, byte[] first, Nested nested) {}

    /** The nested part of {@link Push}. */
    record Nested(List<ByteBuffer> list) {}

    @Test
    void aServerInitiatedBinaryEventArrivesWholeAndDecodesIntoATypedPayload() throws Exception {
        RealtimeClient alice = user("alice");
        List<Push> pushes = new CopyOnWriteArrayList<>();
        alice.on(EventType.of("blob:push", Push.class), pushes::add);

        alice.emit("blob:push-me", Map.of("parts", 3, "size", 70_000));

        await().atMost(WAIT).until(() -> !pushes.isEmpty());
        Push p = pushes.get(0);
        assertThat(p.name()).isEqualTo("push");
        assertThat(p.first()).isEqualTo(serverBytes(70_000, 0));
        assertThat(p.nested().list()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            ByteBuffer b = p.nested().list().get(i);
            byte[] got = new byte[b.remaining()];
            b.get(got);
            assertThat(got).isEqualTo(serverBytes(70_000, i + 1));
        }
    }

    @Test
    void theServerAsksWithBinaryAndOurResponderAnswersWithBinary() throws Exception {
        RealtimeClient alice = user("alice");
        List<Integer> asked = new CopyOnWriteArrayList<>();
        alice.respond("blob:ask", data -> {
            byte[] in = binary(data.get("payload"));
            asked.add(in.length);
            byte[] reversed = new byte[in.length];
            for (int i = 0; i < in.length; i++) {
                reversed[i] = in[in.length - 1 - i];
            }
            return Map.of("got", in.length, "back", reversed, "more", List.of(ByteBuffer.wrap(new byte[] {1, 2})));
        });

        JsonNode described = get(alice.emitWithAck("blob:ask-me", Map.of("size", 1000)));

        assertThat(asked).containsExactly(1000);
        byte[] sent = serverBytes(1000, 3);
        byte[] reversed = new byte[sent.length];
        for (int i = 0; i < sent.length; i++) {
            reversed[i] = sent[sent.length - 1 - i];
        }
        assertThat(described.path("got").asInt()).isEqualTo(1000);
        assertThat(described.path("back").path("base64").asText()).isEqualTo(b64(reversed));
        assertThat(described.path("more").get(0).path("base64").asText()).isEqualTo(b64(new byte[] {1, 2}));
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPacketWithMoreAttachmentsThanAllowedIsDroppedTypedAndTheLinkStaysUp() throws Exception {
        RealtimeClient alice = user("alice", SocketIo.v5().maxAttachments(2));
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        alice.onError(errors::add);
        List<JsonNode> pushes = new CopyOnWriteArrayList<>();
        alice.on("blob:push", pushes::add);

        alice.emit("blob:push-me", Map.of("parts", 3, "size", 10));
        alice.emit("blob:push-me", Map.of("parts", 2, "size", 10));

        await().atMost(WAIT).until(() -> pushes.size() == 1);
        assertThat(errors).singleElement().isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.setting()).isEqualTo("SocketIo.maxAttachments"));
        assertThat(pushes.get(0).path("nested").path("list")).hasSize(1);
        assertThat(alice.isConnected()).isTrue();
        assertThat(get(alice.emitWithAck("echo", "still here")).path("args").get(0).asText()).isEqualTo("still here");
    }

    @Test
    void anAttachmentOverTheServersMaxPayloadFailsTheEmitInsteadOfTheLink() throws Exception {
        RealtimeClient alice = user("alice");
        CompletableFuture<JsonNode> tooBig = alice.emitWithAck("blob:echo", Map.of("f", new byte[1_000_001]));

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> tooBig.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOfSatisfying(LimitExceededException.class,
                l -> assertThat(l.limit()).isEqualTo(1_000_000));
        assertThat(alice.isConnected()).isTrue();
        assertThat(get(alice.emitWithAck("blob:echo", new byte[1_000_000])).binaryValue()).hasSize(1_000_000);
    }

    @Test
    void binaryOnANamedNamespace() throws Exception {
        RealtimeClient admin = user("root", SocketIo.v5().namespace("/admin"));
        JsonNode echoed = get(admin.emitWithAck("blob:echo", Map.of("f", new byte[] {7, 7})));
        assertThat(echoed.get("f").isBinary()).isTrue();
        assertThat(echoed.get("f").binaryValue()).containsExactly(7, 7);
        JsonNode seen = get(admin.emitWithAck("blob:inspect", Map.of("f", new byte[] {7, 7})));
        assertThat(seen.path("f").path("bytes").asInt()).as("the server saw a Buffer").isEqualTo(2);
    }

    @Test
    void theOfficialNodeClientAndOurClientExchangeBinaryInARoom() throws Exception {
        RealtimeClient alice = user("alice");
        List<JsonNode> aliceGot = new CopyOnWriteArrayList<>();
        alice.on("blob:new", aliceGot::add);
        alice.rooms().join("interop-bin").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        try (NodeProcess carol = new NodeProcess("client.js", server.httpUrl(), "t-carol", "interop-bin")) {
            await().atMost(WAIT).until(() -> has(carol, "joined"));

            // Java -> Node: a byte[] arrives as a Buffer
            byte[] fromJava = pattern(4096, 9);
            JsonNode ack = get(alice.emitWithAck("blob:send", Map.of("roomId", "interop-bin", "name", "from-java",
                    "data", fromJava)));
            assertThat(ack.path("ok").asBoolean()).isTrue();
            assertThat(ack.path("buffers").asInt()).isEqualTo(1);
            await().atMost(WAIT).until(() -> has(carol, "blob"));
            JsonNode atCarol = first(carol, "blob");
            assertThat(atCarol.path("userId").asText()).isEqualTo("alice");
            assertThat(atCarol.path("name").asText()).isEqualTo("from-java");
            assertThat(atCarol.path("isBuffer").asBoolean()).isTrue();
            assertThat(atCarol.path("base64").asText()).isEqualTo(b64(fromJava));

            // Node -> Java: a Buffer arrives as a binary node
            byte[] fromNode = pattern(3000, 4);
            carol.command("blob from-node " + b64(fromNode));
            await().atMost(WAIT).until(() -> has(carol, "blobAck") && !aliceGot.isEmpty());
            assertThat(first(carol, "blobAck").path("answer").path("buffers").asInt()).isEqualTo(1);
            assertThat(aliceGot).singleElement().satisfies(m -> {
                assertThat(m.path("userId").asText()).isEqualTo("carol");
                assertThat(m.path("name").asText()).isEqualTo("from-node");
                assertThat(m.get("data").isBinary()).isTrue();
                assertThat(m.get("data").binaryValue()).isEqualTo(fromNode);
            });
        }
    }
}
