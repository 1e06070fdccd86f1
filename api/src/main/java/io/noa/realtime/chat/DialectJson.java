package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Helpers shared by the request encoders of the non-default dialects. Not API. */
final class DialectJson {
    private DialectJson() {}

    /** Writes one JSON object. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static String model(ChatRequest request, String defaultModel) {
        String m = request.model().orElse(defaultModel);
        if (m == null) {
            throw new IllegalStateException("No model: set ChatRequest.Builder.model(..) or StreamingChat's default model");
        }
        return m;
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = ChatJson.MAPPER.getFactory().createGenerator(out)) {
            g.setCodec(ChatJson.MAPPER);
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot write the request as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Writes one tool definition in a dialect's shape. */
    interface ToolWriter {
        void write(JsonGenerator g, JsonNode tool) throws IOException;
    }

    /**
     * The system and developer messages joined by a blank line, as the string field {@code name}
     * (Anthropic's {@code system}, Responses' {@code instructions}); nothing when there are none.
     */
    static void writeSystemText(JsonGenerator g, String name, List<Message> messages) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) {
                if (text.length() > 0) {
                    text.append("\n\n");
                }
                text.append(m.content().orElse(""));
            }
        }
        if (text.length() > 0) {
            g.writeStringField(name, text.toString());
        }
    }

    /** {@code temperature} when the request sets one. */
    static void writeTemperature(JsonGenerator g, ChatRequest request) throws IOException {
        if (request.temperature().isPresent()) {
            g.writeNumberField("temperature", request.temperature().getAsDouble());
        }
    }

    /** The {@code tools} array, each written by {@code writer}; nothing when the request has none. */
    static void writeTools(JsonGenerator g, List<JsonNode> tools, ToolWriter writer) throws IOException {
        if (!tools.isEmpty()) {
            g.writeArrayFieldStart("tools");
            for (JsonNode tool : tools) {
                writer.write(g, tool);
            }
            g.writeEndArray();
        }
    }

    /** The request's extra fields, last, so that they may replace what the encoder wrote. */
    static void writeExtra(JsonGenerator g, Map<String, Object> extra) throws IOException {
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeObject(e.getValue());
        }
    }

    /** An OpenAI chat tool {@code {"type":"function","function":{...}}}, or {@code null} for another shape. */
    static JsonNode openAiFunction(JsonNode tool) {
        JsonNode f = tool.get("function");
        return "function".equals(tool.path("type").asText("function")) && f != null && f.isObject() ? f : null;
    }

    /** Tool call arguments as JSON: the parsed text, or {@code {}} when empty or not an object. */
    static JsonNode argumentsObject(ToolCall call) {
        String text = call.arguments();
        if (!text.isBlank()) {
            try {
                JsonNode n = ChatJson.MAPPER.readTree(text);
                if (n != null && n.isObject()) {
                    return n;
                }
            } catch (IOException e) {
                // not JSON: sent as an empty input, the model sees the call by id and name
            }
        }
        ObjectNode empty = ChatJson.MAPPER.createObjectNode();
        return empty;
    }
}
