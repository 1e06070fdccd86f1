package io.noa.realtime.reactor;

import io.noa.realtime.chat.StreamingMessage;

/**
 * Lets through only snapshots newer than the last one let through, so snapshots arriving from the
 * listener and from the first look-up after {@code sendMessage} stay in order. Not thread-safe:
 * callers hold a lock.
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
}
