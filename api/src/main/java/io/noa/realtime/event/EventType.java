package io.noa.realtime.event;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The name of an event and the Java type of its payload. Declare one constant per event your
 * application uses:
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#event-type -->
 * <pre>{@code
 * static final EventType<ChatMessage> MESSAGE_NEW = EventType.of("message:new", ChatMessage.class);
 * static final EventType<List<String>> USERS = EventType.of("users", new TypeReference<>() {});
 * }</pre>
 *
 * <p>Equality is by name and payload type. Immutable.
 *
 * @param <T> the payload type
 */
public final class EventType<T> {
    private final String name;
    private final Type payloadType;

    private EventType(String name, Type payloadType) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("event name must not be empty");
        }
        this.name = name;
        this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
    }

    /**
     * An event whose payload decodes to a class.
     *
     * @param name the event name, e.g. {@code "message:new"}
     * @param payloadType the payload class
     * @param <T> the payload type
     * @return the event type
     */
    public static <T> EventType<T> of(String name, Class<T> payloadType) {
        return new EventType<>(name, payloadType);
    }

    /**
     * An event whose payload decodes to a generic type.
     *
     * @param name the event name
     * @param payloadType a type reference, e.g. {@code new TypeReference<List<User>>() {}}
     * @param <T> the payload type
     * @return the event type
     */
    public static <T> EventType<T> of(String name, TypeReference<T> payloadType) {
        return new EventType<>(name, Objects.requireNonNull(payloadType, "payloadType").getType());
    }

    /**
     * An event whose payload stays an untyped JSON tree.
     *
     * @param name the event name
     * @return the event type
     */
    public static EventType<JsonNode> json(String name) {
        return new EventType<>(name, JsonNode.class);
    }

    /**
     * The event name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The payload's Java type.
     *
     * @return a {@code Class} or a parameterized type
     */
    public Type payloadType() {
        return payloadType;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EventType)) {
            return false;
        }
        EventType<?> e = (EventType<?>) o;
        return name.equals(e.name) && payloadType.equals(e.payloadType);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + payloadType.hashCode();
    }

    @Override
    public String toString() {
        return "EventType{" + name + ": " + payloadType.getTypeName() + '}';
    }
}
