package io.noa.realtime.benchmarks.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The peers' "full pipeline", as a user of a plain SSE library writes it: Jackson {@code readTree}
 * of each chunk's data, then {@code choices[0].delta.content} appended to a {@link StringBuilder}.
 */
final class JacksonContent {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JacksonContent() {}

    static void append(String data, StringBuilder out) {
        JsonNode chunk;
        try {
            chunk = MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a chunk is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
        if (content.isTextual()) {
            out.append(content.textValue());
        }
    }
}
