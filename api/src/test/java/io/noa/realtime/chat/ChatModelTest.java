package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import io.noa.realtime.StreamFormatException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatModelTest {

    private static String json(Message m) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = ChatJson.MAPPER.getFactory().createGenerator(w)) {
            m.writeTo(g);
        }
        return w.toString();
    }

    @Test
    void roles() {
        assertThat(Role.fromWire("assistant")).contains(Role.ASSISTANT);
        assertThat(Role.fromWire(" Developer ")).contains(Role.DEVELOPER);
        assertThat(Role.fromWire("critic")).isEmpty();
        assertThat(Role.TOOL.wireName()).isEqualTo("tool");
        for (Role r : Role.values()) {
            assertThat(Role.fromWire(r.wireName())).contains(r);
        }
    }

    @Test
    void finishReasons() {
        assertThat(FinishReason.fromWire("stop")).isEqualTo(FinishReason.STOP);
        assertThat(FinishReason.fromWire("TOOL_CALLS")).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(FinishReason.fromWire("max_tokens")).isEqualTo(FinishReason.LENGTH);
        assertThat(FinishReason.fromWire("content_filter")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReason.fromWire("function_call")).isEqualTo(FinishReason.FUNCTION_CALL);
        assertThat(FinishReason.fromWire("error")).isEqualTo(FinishReason.ERROR);
        assertThat(FinishReason.fromWire("recitation")).isEqualTo(FinishReason.OTHER);
    }

    @Test
    void messageFactoriesAndJson() throws Exception {
        assertThat(json(Message.system("Be brief."))).isEqualTo("{\"role\":\"system\",\"content\":\"Be brief.\"}");
        assertThat(json(Message.user("Hi").withName("ana"))).isEqualTo("{\"role\":\"user\",\"content\":\"Hi\",\"name\":\"ana\"}");
        assertThat(json(Message.tool("call_1", "{\"ok\":true}")))
                .isEqualTo("{\"role\":\"tool\",\"content\":\"{\\\"ok\\\":true}\",\"tool_call_id\":\"call_1\"}");
        Message a = Message.assistant(null, List.of(ToolCall.function("call_1", "f", "{}")));
        assertThat(json(a)).isEqualTo("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}");
        assertThat(Message.assistant("x").role()).isEqualTo(Role.ASSISTANT);
        assertThat(Message.developer("d").role()).isEqualTo(Role.DEVELOPER);
        assertThat(Message.user("u")).isEqualTo(Message.of(Role.USER, "u")).hasSameHashCodeAs(Message.of(Role.USER, "u"));
        assertThatThrownBy(() -> Message.user(null)).isInstanceOf(NullPointerException.class).hasMessage("content");
        assertThatThrownBy(() -> Message.tool("", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void assistantMessageFromAStream() {
        StreamingMessage streamed = TestSse.fixture("02-parallel-tool-calls.sse").message();
        Message m = Message.assistant(streamed);
        assertThat(m.content()).isEmpty();
        assertThat(m.toolCalls()).hasSize(2);
        assertThat(m.toolCalls().get(1).id()).contains("call_noa_B2");
        Message text = Message.assistant(TestSse.fixture("01-plain.sse").message());
        assertThat(text.content()).contains("The river runs north.");
    }

    @Test
    void toolCallArguments() {
        ToolCall ok = ToolCall.builder().arguments("{\"a\":[1,2]}").build();
        assertThat(ok.parseArguments().get("a").get(1).asInt()).isEqualTo(2);
        assertThat(ToolCall.builder().build().parseArguments().isObject()).isTrue();
        ToolCall cut = ToolCall.builder().id("c").arguments("{\"a\":[1,").build();
        assertThat(cut.argumentsJson()).isEmpty();
        assertThatThrownBy(cut::parseArguments).isInstanceOf(StreamFormatException.class)
                .hasMessageContaining("not valid JSON");
        assertThat(ToolCall.builder().id("").type("").name("").build().id()).isEmpty();
        assertThatThrownBy(() -> ToolCall.builder().index(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usage() {
        Usage u = Usage.of(3, 4, -1, Map.of());
        assertThat(u.totalTokens()).isEqualTo(7);
        assertThat(u.reasoningTokens()).isEmpty();
        assertThat(u.cachedTokens()).isEmpty();
        Usage d = Usage.of(1, 2, 3, Map.of("completion_tokens_details",
                ChatJson.MAPPER.createObjectNode().put("reasoning_tokens", "5")));
        assertThat(d.reasoningTokens()).hasValue(5L);
        assertThat(d).isEqualTo(Usage.of(1, 2, 3, d.details())).isNotEqualTo(u);
    }
}
