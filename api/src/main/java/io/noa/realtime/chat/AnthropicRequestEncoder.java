package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a {@link ChatRequest} for the Anthropic Messages API: system and developer messages
 * become the top-level {@code system}; {@code max_tokens} is always sent (default
 * {@value #DEFAULT_MAX_TOKENS}); consecutive messages of one role are merged into one message of
 * content blocks (the API wants user and assistant turns to alternate); assistant tool calls become
 * {@code tool_use} blocks and tool results {@code tool_result} blocks of a user turn; OpenAI-shaped
 * tool definitions become {@code {name, description, input_schema}}. Not API.
 */
final class AnthropicRequestEncoder {
    /** {@code max_tokens} when the request sets none (the API requires one). */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicRequestEncoder() {}

    static byte[] encode(ChatRequest request, String defaultModel) {
        String model = DialectJson.model(request, defaultModel);
        return DialectJson.write(g -> {
            g.writeStringField("model", model);
            DialectJson.writeSystemText(g, "system", request.messages());
            g.writeArrayFieldStart("messages");
            writeTurns(g, request.messages());
            g.writeEndArray();
            g.writeNumberField("max_tokens", request.maxTokens().orElse(DEFAULT_MAX_TOKENS));
            g.writeBooleanField("stream", true);
            DialectJson.writeTemperature(g, request);
            DialectJson.writeTools(g, request.tools(), AnthropicRequestEncoder::writeTool);
            DialectJson.writeExtra(g, request.extra());
        });
    }

    private static void writeTurns(JsonGenerator g, List<Message> messages) throws IOException {
        String role = null;
        List<Message> turn = new ArrayList<>();
        for (Message m : messages) {
            String r = wireRole(m.role());
            if (r == null) {
                continue;
            }
            if (role != null && !role.equals(r)) {
                writeTurn(g, role, turn);
                turn.clear();
            }
            role = r;
            turn.add(m);
        }
        if (role != null) {
            writeTurn(g, role, turn);
        }
    }

    /** user and tool messages are user turns; assistant stays; system and developer went to {@code system}. */
    private static String wireRole(Role role) {
        switch (role) {
            case USER:
            case TOOL:
                return "user";
            case ASSISTANT:
                return "assistant";
            default:
                return null;
        }
    }

    private static void writeTurn(JsonGenerator g, String role, List<Message> turn) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        if (turn.size() == 1 && turn.get(0).role() != Role.TOOL && turn.get(0).toolCalls().isEmpty()) {
            g.writeStringField("content", turn.get(0).content().orElse(""));
        } else {
            g.writeArrayFieldStart("content");
            for (Message m : turn) {
                writeBlocks(g, m);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeBlocks(JsonGenerator g, Message m) throws IOException {
        if (m.role() == Role.TOOL) {
            g.writeStartObject();
            g.writeStringField("type", "tool_result");
            g.writeStringField("tool_use_id", m.toolCallId().orElse(""));
            g.writeStringField("content", m.content().orElse(""));
            g.writeEndObject();
            return;
        }
        String text = m.content().orElse("");
        if (!text.isEmpty() || m.toolCalls().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", text);
            g.writeEndObject();
        }
        for (ToolCall call : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", call.id().orElse(""));
            g.writeStringField("name", call.name().orElse(""));
            g.writeFieldName("input");
            g.writeTree(DialectJson.argumentsObject(call));
            g.writeEndObject();
        }
    }

    private static void writeTool(JsonGenerator g, JsonNode tool) throws IOException {
        JsonNode f = DialectJson.openAiFunction(tool);
        if (f == null) {
            g.writeTree(tool); // already in Anthropic's shape (or a server tool)
            return;
        }
        g.writeStartObject();
        g.writeStringField("name", f.path("name").asText(""));
        if (f.hasNonNull("description")) {
            g.writeStringField("description", f.get("description").asText());
        }
        g.writeFieldName("input_schema");
        JsonNode schema = f.get("parameters");
        if (schema != null && schema.isObject()) {
            g.writeTree(schema);
        } else {
            g.writeStartObject();
            g.writeStringField("type", "object");
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
