package io.noa.realtime.sse;

import java.util.Objects;
import java.util.Optional;

/**
 * One dispatched Server-Sent Event: its type, its data and the last event id in force when it was
 * dispatched. Immutable; equal when id, type and data are equal.
 */
public final class SseEvent {
    /** The event type used when a block has no (or an empty) {@code event} field. */
    static final String DEFAULT_EVENT = "message";

    private static final int TO_STRING_DATA_CHARS = 200;

    private final String id;
    private final String event;
    private final String data;

    private SseEvent(String id, String event, String data) {
        this.id = id;
        this.event = event;
        this.data = data;
    }

    /**
     * Creates an event without an id.
     *
     * @param event the event type; empty means {@code "message"}
     * @param data the data, possibly empty
     * @return the event
     */
    public static SseEvent of(String event, String data) {
        return of(null, event, data);
    }

    /**
     * Creates an event.
     *
     * @param id the last event id, {@code null} or empty for none
     * @param event the event type; empty means {@code "message"}
     * @param data the data, possibly empty
     * @return the event
     */
    public static SseEvent of(String id, String event, String data) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        return new SseEvent(id == null || id.isEmpty() ? null : id, event.isEmpty() ? DEFAULT_EVENT : event, data);
    }

    /** Used by the parser, whose arguments are already normalised. */
    static SseEvent trusted(String id, String event, String data) {
        return new SseEvent(id, event, data);
    }

    /**
     * The last event id in force when this event was dispatched.
     *
     * @return the id, empty if none was set or it was cleared
     */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /** The id or {@code null}, without an {@code Optional}: for the client's per-event path. */
    String idOrNull() {
        return id;
    }

    /**
     * The event type.
     *
     * @return the type, never empty: {@code "message"} when the block had no {@code event} field
     */
    public String event() {
        return event;
    }

    /**
     * The data: the {@code data} field values joined with {@code "\n"}.
     *
     * @return the data, possibly empty
     */
    public String data() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SseEvent)) {
            return false;
        }
        SseEvent other = (SseEvent) o;
        return Objects.equals(id, other.id) && event.equals(other.event) && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, event, data);
    }

    /**
     * A debugging representation; data longer than about 200 characters is truncated.
     *
     * @return the text
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64 + Math.min(data.length(), TO_STRING_DATA_CHARS));
        sb.append("SseEvent{");
        if (id != null) {
            sb.append("id=").append(id).append(", ");
        }
        sb.append("event=").append(event).append(", data=");
        if (data.length() <= TO_STRING_DATA_CHARS) {
            sb.append(data);
        } else {
            int end = TO_STRING_DATA_CHARS;
            if (Character.isHighSurrogate(data.charAt(end - 1))) {
                end--; // do not cut a surrogate pair in half
            }
            sb.append(data, 0, end).append("...(").append(data.length()).append(" chars)");
        }
        return sb.append('}').toString();
    }
}
