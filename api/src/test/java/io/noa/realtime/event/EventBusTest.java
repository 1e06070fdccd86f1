package io.noa.realtime.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBusTest {
    public static final class ChatMessage {
        public String roomId;
        public String content;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> errors = new ArrayList<>();
    private final EventBus bus = new EventBus(EventCodec.defaults(), (e, t) -> errors.add(e + ":" + t.getClass().getSimpleName()));

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void typedHandlerGetsDecodedPojo() throws Exception {
        List<ChatMessage> got = new ArrayList<>();
        bus.on(EventType.of("message:new", ChatMessage.class), got::add);
        bus.publish("message:new", json("{\"roomId\":\"r1\",\"content\":\"hi\",\"extra\":1}"));
        assertThat(got).singleElement().satisfies(m -> {
            assertThat(m.roomId).isEqualTo("r1");
            assertThat(m.content).isEqualTo("hi");
        });
        assertThat(errors).as("unknown properties are tolerated by the default codec").isEmpty();
    }

    @Test
    void genericTypesViaTypeReference() throws Exception {
        List<List<Map<String, Integer>>> got = new ArrayList<>();
        bus.on(EventType.of("counts", new TypeReference<List<Map<String, Integer>>>() {}), got::add);
        bus.publish("counts", json("[{\"a\":1},{\"b\":2}]"));
        assertThat(got).containsExactly(List.of(Map.of("a", 1), Map.of("b", 2)));
    }

    @Test
    void untypedAndAnyHandlers() throws Exception {
        List<String> seen = new ArrayList<>();
        bus.on("ping", n -> seen.add("ping:" + n));
        bus.onAny((name, n) -> seen.add("any:" + name));
        bus.publish("ping", null);
        bus.publish("other", json("1"));
        assertThat(seen).containsExactly("ping:null", "any:ping", "any:other");
        assertThat(bus.hasHandlers("nobody")).isTrue(); // onAny listens to everything
    }

    @Test
    void undecodablePayloadGoesToErrorHandlerAndOtherHandlersStillRun() throws Exception {
        List<Object> seen = new ArrayList<>();
        bus.on(EventType.of("n", Integer.class), seen::add);
        bus.on("n", seen::add);
        bus.publish("n", json("{\"not\":\"a number\"}"));
        assertThat(errors).containsExactly("n:ProtocolException");
        assertThat(seen).hasSize(1);
    }

    @Test
    void throwingHandlerIsReportedAndDoesNotStopOthers() throws Exception {
        List<String> seen = new ArrayList<>();
        bus.on("e", n -> {
            throw new IllegalStateException("handler bug");
        });
        bus.on("e", n -> seen.add("second"));
        bus.onAny((e, n) -> {
            throw new IllegalArgumentException("any bug");
        });
        bus.publish("e", json("{}"));
        assertThat(seen).containsExactly("second");
        assertThat(errors).containsExactly("e:IllegalStateException", "e:IllegalArgumentException");
    }

    @Test
    void throwingErrorHandlerIsContained() throws Exception {
        EventBus b = new EventBus(EventCodec.defaults(), (e, t) -> {
            throw new IllegalStateException("error handler bug");
        });
        b.on(EventType.of("n", Integer.class), v -> {});
        b.publish("n", json("\"x\""));
        // reaching here is the assertion: nothing escaped publish
        assertThat(b.hasHandlers("n")).isTrue();
    }

    @Test
    void closingSubscriptionUnregisters() throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        Subscription s = bus.on("x", seen::add);
        bus.publish("x", json("1"));
        s.close();
        s.close();
        bus.publish("x", json("2"));
        assertThat(seen).hasSize(1);
        assertThat(bus.hasHandlers("x")).isFalse();
    }

    @Test
    void userMapperIsUsed() throws Exception {
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        EventBus b = new EventBus(new EventCodec(snake), (e, t) -> errors.add(e));
        List<ChatMessage> got = new ArrayList<>();
        b.on(EventType.of("m", ChatMessage.class), got::add);
        b.publish("m", json("{\"room_id\":\"r9\",\"content\":\"c\"}"));
        assertThat(got).singleElement().extracting(m -> m.roomId).isEqualTo("r9");
        ChatMessage out = new ChatMessage();
        out.roomId = "r2";
        assertThat(b.codec().encode(out).has("room_id")).isTrue();
    }

    @Test
    void publishTypedValueEncodesIt() {
        List<JsonNode> seen = new ArrayList<>();
        bus.on("m", seen::add);
        ChatMessage m = new ChatMessage();
        m.content = "c";
        bus.publish(EventType.of("m", ChatMessage.class), m);
        assertThat(seen).singleElement().extracting(n -> n.get("content").asText()).isEqualTo("c");
    }

    @Test
    void eventTypeEqualityAndValidation() {
        assertThat(EventType.of("a", String.class)).isEqualTo(EventType.of("a", String.class))
                .isNotEqualTo(EventType.of("a", Integer.class));
        assertThat(EventType.json("a").payloadType()).isEqualTo(JsonNode.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventType.of("", String.class))
                .hasMessageContaining("empty");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> EventCodec.defaults().decode(EventType.of("z", Integer.class), JSON.readTree("[1]")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("'z'");
    }
}
