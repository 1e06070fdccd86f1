package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import io.noa.realtime.StreamFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common half of the decoders of event-named dialects (Anthropic Messages, OpenAI Responses):
 * each event's data is one JSON object whose {@code type} equals the event name. The type is read
 * from the data when present (so a proxy that drops {@code event:} lines changes nothing), else
 * from the event name ({@code event: error} is an error whatever its data). One instance serves one stream (they keep state); not thread-safe. Not API.
 */
abstract class DialectDecoder implements ChunkDecoder {
    private static final String DONE = "[DONE]";

    @Override
    public boolean isEndOfStream(String eventName, String data) {
        return data != null && DONE.equals(data.strip()); // some proxies add it; harmless
    }

    @Override
    public final List<StreamChunk> decode(String eventName, String data) {
        java.util.Objects.requireNonNull(data, "data");
        String event = eventName == null || eventName.isEmpty() ? "message" : eventName;
        String trimmed = data.strip();
        boolean errorEvent = "error".equals(event);
        if (!errorEvent && (trimmed.isEmpty() || DONE.equals(trimmed))) {
            return List.of();
        }
        JsonNode root;
        try {
            root = ChatJson.MAPPER.readTree(trimmed);
        } catch (JsonProcessingException e) {
            if (errorEvent) {
                return List.of(StreamChunk.ofError(ErrorDetail.of(trimmed, null, null, null)));
            }
            throw new StreamFormatException("chat stream data is not valid JSON (" + e.getOriginalMessage() + ")", data);
        }
        if (root == null || !root.isObject()) {
            if (errorEvent) {
                return List.of(StreamChunk.ofError(ErrorDetail.of(trimmed, null, null, null)));
            }
            throw new StreamFormatException("chat stream data is not a JSON object", data);
        }
        String type = errorEvent ? event : text(root.get("type")); // an error event is an error, whatever its body
        return decodeEvent(type != null ? type : event, root);
    }

    /**
     * Decodes one event.
     *
     * @param type the event type (the data's {@code type}, else the SSE event name)
     * @param root the data, a JSON object
     * @return the chunks; never {@code null}
     */
    abstract List<StreamChunk> decodeEvent(String type, JsonNode root);

    // ---- helpers

    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    static long number(JsonNode n) {
        return n != null && n.isNumber() && n.canConvertToLong() && n.asLong() >= 0 ? n.asLong() : -1;
    }

    static int index(JsonNode n) {
        long v = number(n);
        return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** A chunk with one choice (index 0) carrying {@code delta}. */
    static StreamChunk deltaChunk(Delta delta) {
        return StreamChunk.builder().addChoice(Choice.builder().index(0).delta(delta).build()).build();
    }

    /** An error from an object with {@code message}, {@code type}, {@code code}, {@code param}. */
    static ErrorDetail error(JsonNode e, String fallbackType) {
        String type = text(e.get("type"));
        if (type == null || "error".equals(type)) {
            type = fallbackType;
        }
        return ErrorDetail.of(text(e.get("message")), type, text(e.get("code")), text(e.get("param")));
    }

    /** Every field of {@code usage} except {@code skip}, for {@link Usage#details()}. */
    static Map<String, JsonNode> details(Map<String, JsonNode> usage, String... skip) {
        Map<String, JsonNode> out = new LinkedHashMap<>(usage);
        for (String s : skip) {
            out.remove(s);
        }
        out.values().removeIf(JsonNode::isNull);
        return out;
    }

    /** Copies the fields of an object into {@code into}, later values winning. */
    static void mergeFields(Map<String, JsonNode> into, JsonNode object) {
        if (object == null || !object.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!e.getValue().isNull() || !into.containsKey(e.getKey())) {
                into.put(e.getKey(), e.getValue());
            }
        }
    }
}
