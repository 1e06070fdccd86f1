package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** An emit waiting to be sent (buffered) or waiting for its acknowledgement. Guarded by the client lock. */
final class PendingEmit {
    final String event;
    final JsonNode data;
    /** Completed with the answer; {@code null} for a plain emit. */
    final CompletableFuture<JsonNode> answer;
    /** Sent by the client itself (room join/leave, presence): never re-sent from the buffer. */
    final boolean internal;
    /**
     * The acknowledgement timer. Set by the emitting thread after the emit may already have been
     * answered on the I/O thread, hence volatile, together with {@link #settled}: whichever of the
     * two sides comes second cancels the timer.
     */
    volatile ScheduledFuture<?> timeout;
    /** Set once the outcome is decided (before it is delivered to the future). */
    volatile boolean settled;
    long ackId = -1;

    PendingEmit(String event, JsonNode data, CompletableFuture<JsonNode> answer, boolean internal) {
        this.event = event;
        this.data = data;
        this.answer = answer;
        this.internal = internal;
    }

    boolean wantsAck() {
        return answer != null;
    }

    boolean isDone() {
        return answer != null && answer.isDone();
    }
}
