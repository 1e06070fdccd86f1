package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;

/** Small helpers of the dialect plumbing in {@link ChatStream}. Not API. */
final class DialectHeaders {
    private DialectHeaders() {}

    /** Whether the builder set a header of this name (HTTP names ignore case). */
    static boolean setByUser(Map<String, String> headers, String name) {
        for (String n : headers.keySet()) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code data} is exactly one complete JSON object (white space around it allowed). */
    static boolean isCompleteJson(String data) {
        String t = data.strip();
        if (t.isEmpty() || t.charAt(0) != '{') {
            return false;
        }
        try (JsonParser p = ChatJson.MAPPER.getFactory().createParser(t)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
