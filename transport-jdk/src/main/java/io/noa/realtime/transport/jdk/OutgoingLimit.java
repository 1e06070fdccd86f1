package io.noa.realtime.transport.jdk;

import io.noa.realtime.LimitExceededException;

/** The outgoing side of {@code maxWebSocketMessageSize}: a message over it is refused before it is queued. */
final class OutgoingLimit {
    private OutgoingLimit() {}

    /** Whether the UTF-8 form of {@code text} is longer than {@code limit} bytes; counts only when it may be. */
    static boolean utf8LengthExceeds(CharSequence text, int limit) {
        int n = text.length();
        if ((long) n * 3 <= limit) {
            return false; // a UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units)
        }
        if (n > limit) {
            return true;
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > limit) {
                return true;
            }
        }
        return false;
    }

    static LimitExceededException error(String target, int limit) {
        return new LimitExceededException("An outgoing WebSocket message to " + target + " (not sent; the session"
                + " stays open)", "maxWebSocketMessageSize", limit);
    }
}
