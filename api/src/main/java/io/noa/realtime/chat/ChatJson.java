package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared JSON helpers of this package (not API). */
final class ChatJson {
    /** Used only to build trees for unknown fields and to parse tool arguments; thread-safe once built. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ChatJson() {}

    /**
     * An unmodifiable copy keeping insertion order; empty maps share one instance and a single entry
     * (e.g. the {@code obfuscation} field of every OpenAI chunk) needs no hash table.
     */
    static Map<String, JsonNode> copy(Map<String, JsonNode> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        if (in.size() == 1) {
            Map.Entry<String, JsonNode> only = in.entrySet().iterator().next();
            return Collections.singletonMap(only.getKey(), only.getValue());
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(in));
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
