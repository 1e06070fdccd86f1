package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Encodes a {@link ChatRequest} for the OpenAI Responses API: system and developer messages become
 * {@code instructions}; the others become {@code input} items (user and assistant messages, an
 * assistant's tool calls as {@code function_call} items, tool results as
 * {@code function_call_output}); {@code max_output_tokens}; OpenAI chat tool definitions are
 * flattened to {@code {type:"function", name, description, parameters}}. Not API.
 */
final class ResponsesRequestEncoder {
    private ResponsesRequestEncoder() {}

    static byte[] encode(ChatRequest request, String defaultModel) {
        String model = DialectJson.model(request, defaultModel);
        return DialectJson.write(g -> {
            g.writeStringField("model", model);
            DialectJson.writeSystemText(g, "instructions", request.messages());
            g.writeArrayFieldStart("input");
            for (Message m : request.messages()) {
                writeItems(g, m);
            }
            g.writeEndArray();
            g.writeBooleanField("stream", true);
            DialectJson.writeTemperature(g, request);
            if (request.maxTokens().isPresent()) {
                g.writeNumberField("max_output_tokens", request.maxTokens().getAsInt());
            }
            DialectJson.writeTools(g, request.tools(), ResponsesRequestEncoder::writeTool);
            DialectJson.writeExtra(g, request.extra());
        });
    }

    private static void writeItems(JsonGenerator g, Message m) throws IOException {
        switch (m.role()) {
            case SYSTEM:
            case DEVELOPER:
                return; // in instructions
            case TOOL:
                g.writeStartObject();
                g.writeStringField("type", "function_call_output");
                g.writeStringField("call_id", m.toolCallId().orElse(""));
                g.writeStringField("output", m.content().orElse(""));
                g.writeEndObject();
                return;
            default:
                String text = m.content().orElse("");
                if (!text.isEmpty() || m.toolCalls().isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("role", m.role().wireName());
                    g.writeStringField("content", text);
                    g.writeEndObject();
                }
                for (ToolCall call : m.toolCalls()) {
                    g.writeStartObject();
                    g.writeStringField("type", "function_call");
                    g.writeStringField("call_id", call.id().orElse(""));
                    g.writeStringField("name", call.name().orElse(""));
                    g.writeStringField("arguments", call.arguments());
                    g.writeEndObject();
                }
        }
    }

    private static void writeTool(JsonGenerator g, JsonNode tool) throws IOException {
        JsonNode f = DialectJson.openAiFunction(tool);
        if (f == null) {
            g.writeTree(tool); // already flat, or a built-in tool such as web_search
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", "function");
        for (java.util.Map.Entry<String, JsonNode> e : f.properties()) {
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
        g.writeEndObject();
    }
}
