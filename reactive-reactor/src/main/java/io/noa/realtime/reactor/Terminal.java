package io.noa.realtime.reactor;

import io.noa.realtime.RealtimeException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.chat.StreamingMessage;

/** The error that ends a chat message, if its final state is a failure. */
final class Terminal {
    private Terminal() {}

    /** The failure of a final snapshot in ERROR or TRUNCATED, or null for a normal end. */
    static Throwable failureOf(StreamingMessage m) {
        switch (m.state()) {
            case ERROR:
                if (m.failure().isPresent()) {
                    return m.failure().get();
                }
                return new RealtimeException("Chat message " + m.id() + " ended with a server error: "
                        + m.error().map(e -> e.message()).orElse("(no detail)"));
            case TRUNCATED:
                return m.failure().orElseGet(() -> new StreamFormatException("Chat message " + m.id()
                        + " was truncated: the stream ended without [DONE] or a finish reason; retry the request", ""));
            default:
                return null;
        }
    }
}
