package io.noa.realtime.reactor;

import io.noa.realtime.RealtimeException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.chat.StreamingMessage;

/**
 * Lets through only snapshots newer than the last one let through, so snapshots arriving from the
 * listener and from the first look-up after {@code sendMessage} stay in order, and maps a final
 * snapshot to its failure. Not thread-safe: callers hold a lock.
 */
final class SnapshotGate {
    private int chunks = -1;
    private boolean ended;

    /** Whether {@code m} is newer than everything seen so far (and records it). */
    boolean admit(StreamingMessage m) {
        if (ended) {
            return false;
        }
        if (!m.isStreaming()) {
            ended = true;
            return true;
        }
        if (m.chunkCount() <= chunks) {
            return false;
        }
        chunks = m.chunkCount();
        return true;
    }

    /** The failure of a final snapshot in ERROR or TRUNCATED, or null for a normal end. */
    static Throwable failureOf(StreamingMessage m) {
        switch (m.state()) {
            case ERROR:
                return m.failure().orElseGet(() -> new RealtimeException("Chat message " + m.id()
                        + " ended with a server error: " + m.error().map(e -> e.message()).orElse("(no detail)")));
            case TRUNCATED:
                return m.failure().orElseGet(() -> new StreamFormatException("Chat message " + m.id()
                        + " was truncated: the stream ended without [DONE] or a finish reason; retry the request", ""));
            default:
                return null;
        }
    }
}
