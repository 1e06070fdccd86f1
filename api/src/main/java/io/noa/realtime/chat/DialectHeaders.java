package io.noa.realtime.chat;

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
}
