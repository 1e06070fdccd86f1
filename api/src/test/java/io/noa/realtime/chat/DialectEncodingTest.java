package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The same {@link ChatRequest} encoded by every dialect (the tck checks the recorded bodies on the wire too). */
class DialectEncodingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ChatRequest richRequest() throws Exception {
        JsonNode tool = JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"tide_table\","
                + "\"description\":\"Tide times\",\"parameters\":{\"type\":\"object\",\"properties\":{\"port\":{\"type\":\"string\"}}}}}");
        return ChatRequest.builder()
                .message(Message.system("Be brief."))
                .message(Message.user("Tides in Brest?"))
                .message(Message.assistant(null, List.of(ToolCall.function("call_1", "tide_table", "{\"port\":\"Brest\"}"))))
                .message(Message.tool("call_1", "{\"high\":\"06:12\"}"))
                .message(Message.user("And tomorrow?"))
                .tool(tool).temperature(0.5).maxTokens(300).extra("top_p", 0.9)
                .build();
    }

    private static JsonNode encode(Dialect d, ChatRequest r) throws Exception {
        return JSON.readTree(d.encode(r, "default-model"));
    }

    @Test
    void anthropicMessages() throws Exception {
        JsonNode b = encode(Dialect.ANTHROPIC_MESSAGES, richRequest());
        assertThat(b.path("model").asText()).isEqualTo("default-model");
        assertThat(b.path("system").asText()).isEqualTo("Be brief.");
        assertThat(b.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(b.path("stream").asBoolean()).isTrue();
        assertThat(b.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(b.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(b.has("stream_options")).isFalse();
        JsonNode msgs = b.path("messages");
        assertThat(msgs).as("the tool result and the next user text share one user turn").hasSize(3);
        assertThat(msgs.get(0).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Tides in Brest?\"}");
        assertThat(msgs.get(1).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
                + "\"id\":\"call_1\",\"name\":\"tide_table\",\"input\":{\"port\":\"Brest\"}}]}");
        assertThat(msgs.get(2).toString()).isEqualTo("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"call_1\",\"content\":\"{\\\"high\\\":\\\"06:12\\\"}\"},{\"type\":\"text\",\"text\":\"And tomorrow?\"}]}");
        assertThat(b.path("tools").get(0).toString()).isEqualTo("{\"name\":\"tide_table\",\"description\":\"Tide times\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"port\":{\"type\":\"string\"}}}}");
        // max_tokens is required by the API: a default is sent
        JsonNode plain = encode(Dialect.ANTHROPIC_MESSAGES, ChatRequest.builder().message(Message.user("hi")).build());
        assertThat(plain.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(plain.has("system")).isFalse();
    }

    @Test
    void openAiResponses() throws Exception {
        JsonNode b = encode(Dialect.OPENAI_RESPONSES, richRequest());
        assertThat(b.path("model").asText()).isEqualTo("default-model");
        assertThat(b.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(b.path("max_output_tokens").asInt()).isEqualTo(300);
        assertThat(b.path("stream").asBoolean()).isTrue();
        assertThat(b.has("messages")).isFalse();
        JsonNode input = b.path("input");
        assertThat(input).hasSize(4);
        assertThat(input.get(0).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Tides in Brest?\"}");
        assertThat(input.get(1).toString()).isEqualTo("{\"type\":\"function_call\",\"call_id\":\"call_1\","
                + "\"name\":\"tide_table\",\"arguments\":\"{\\\"port\\\":\\\"Brest\\\"}\"}");
        assertThat(input.get(2).toString()).isEqualTo("{\"type\":\"function_call_output\",\"call_id\":\"call_1\","
                + "\"output\":\"{\\\"high\\\":\\\"06:12\\\"}\"}");
        assertThat(input.get(3).path("content").asText()).isEqualTo("And tomorrow?");
        assertThat(b.path("tools").get(0).toString()).isEqualTo("{\"type\":\"function\",\"name\":\"tide_table\","
                + "\"description\":\"Tide times\",\"parameters\":{\"type\":\"object\",\"properties\":{\"port\":{\"type\":\"string\"}}}}");
        assertThat(b.path("top_p").asDouble()).isEqualTo(0.9);
    }

    @Test
    void openAiChatIsTheUnchangedDefault() throws Exception {
        ChatRequest r = richRequest();
        assertThat(Dialect.OPENAI_CHAT.encode(r, "default-model")).isEqualTo(r.toJson("default-model"));
    }

    @Test
    void headersPerDialect() {
        assertThat(Dialect.OPENAI_CHAT.headers(Optional.of("sk-1"))).isEqualTo(Map.of("Authorization", "Bearer sk-1"));
        assertThat(Dialect.OPENAI_RESPONSES.headers(Optional.empty())).isEmpty();
        assertThat(Dialect.ANTHROPIC_MESSAGES.headers(Optional.of("sk-ant")))
                .containsExactly(Map.entry("x-api-key", "sk-ant"), Map.entry("anthropic-version", "2023-06-01"));
        assertThat(Dialect.ANTHROPIC_MESSAGES.headers(Optional.empty())).containsOnlyKeys("anthropic-version");
    }

    @Test
    void namesAndModelRequired() {
        assertThat(Dialect.named("Anthropic")).isSameAs(Dialect.ANTHROPIC_MESSAGES);
        assertThat(Dialect.named("openai_responses")).isSameAs(Dialect.OPENAI_RESPONSES);
        assertThat(Dialect.named("openai-chat")).isSameAs(Dialect.OPENAI_CHAT);
        assertThat(Dialect.ANTHROPIC_MESSAGES.name()).isEqualTo("anthropic-messages");
        assertThatThrownBy(() -> Dialect.named("gemini")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("anthropic-messages");
        ChatRequest noModel = ChatRequest.builder().message(Message.user("x")).build();
        assertThatThrownBy(() -> Dialect.ANTHROPIC_MESSAGES.encode(noModel, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Dialect.OPENAI_RESPONSES.encode(noModel, null)).isInstanceOf(IllegalStateException.class);
    }
}
