package io.noa.realtime.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import io.noa.realtime.ProtocolException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts event payloads between JSON trees and Java objects with a Jackson
 * {@link ObjectMapper}. Supply your own mapper to register modules (Java time, Kotlin, ...) or
 * naming strategies. Readers are cached per payload type. Thread-safe.
 */
public final class EventCodec {
    private static final EventCodec DEFAULT = new EventCodec(new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));

    private final ObjectMapper mapper;
    private final ConcurrentHashMap<java.lang.reflect.Type, ObjectReader> readers = new ConcurrentHashMap<>();

    /**
     * A codec over a mapper. The mapper MUST NOT be reconfigured afterwards.
     *
     * @param mapper the mapper
     */
    public EventCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * A shared codec over a default {@link ObjectMapper} with the modules found on the class path,
     * tolerant of unknown properties (servers add fields over time).
     *
     * @return the default codec
     */
    public static EventCodec defaults() {
        return DEFAULT;
    }

    /**
     * The mapper.
     *
     * @return the mapper this codec uses
     */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Decodes a payload.
     *
     * @param type the event type whose payload type to produce
     * @param payload the JSON payload; {@code null} is treated as JSON null
     * @param <T> the payload type
     * @return the decoded value (may be {@code null} when the payload is JSON null)
     * @throws ProtocolException if the payload does not match the type
     */
    @SuppressWarnings("unchecked")
    public <T> T decode(EventType<T> type, JsonNode payload) {
        Objects.requireNonNull(type, "type");
        JsonNode node = payload == null ? NullNode.getInstance() : payload;
        if (type.payloadType() == JsonNode.class) {
            return (T) node;
        }
        try {
            return (T) reader(type.payloadType()).readValue(node);
        } catch (IOException | IllegalArgumentException e) {
            throw new ProtocolException("Payload of event '" + type.name() + "' does not decode into "
                    + type.payloadType().getTypeName() + ": " + e.getClass().getSimpleName()
                    + "; check the event's payload type", e);
        }
    }

    /**
     * Encodes a value as a JSON tree.
     *
     * @param value any value Jackson can serialize, or {@code null}
     * @return the tree ({@code NullNode} for {@code null})
     * @throws IllegalArgumentException if the value cannot be serialized
     */
    public JsonNode encode(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode) {
            return (JsonNode) value;
        }
        return mapper.valueToTree(value);
    }

    private ObjectReader reader(java.lang.reflect.Type t) {
        return readers.computeIfAbsent(t, k -> {
            JavaType jt = mapper.getTypeFactory().constructType(k);
            return mapper.readerFor(jt);
        });
    }
}
