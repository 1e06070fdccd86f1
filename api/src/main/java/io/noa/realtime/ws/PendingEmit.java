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
    ScheduledFuture<?> timeout;
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
