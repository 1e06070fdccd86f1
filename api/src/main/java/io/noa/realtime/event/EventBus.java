package io.noa.realtime.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.noa.realtime.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Routes named events to handlers: typed handlers ({@link #on(EventType, Consumer)}), untyped
 * JSON handlers ({@link #on(String, Consumer)}) and catch-all handlers ({@link #onAny}).
 *
 * <p>Registration is thread-safe and may happen at any time, also from inside a handler.
 * {@link #publish} calls the handlers on the calling thread in registration order; the owner of
 * the bus (a client) calls it serially, so handlers of one bus never run concurrently. A payload
 * that does not decode into a handler's type, and a handler that throws, go to the
 * {@link ErrorHandler}; other handlers still run, and the connection is never affected.
 */
public final class EventBus {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    /** Receives payloads that failed to decode and exceptions thrown by handlers. */
    @FunctionalInterface
    public interface ErrorHandler {
        /**
         * Called once per failure.
         *
         * @param event the event name
         * @param error a {@link io.noa.realtime.ProtocolException} for a payload that does not
         *     decode, or what a handler threw
         */
        void onError(String event, Throwable error);
    }

    private final EventCodec codec;
    private final ErrorHandler errorHandler;
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Handler<?>>> handlers = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<BiConsumer<String, JsonNode>> anyHandlers = new CopyOnWriteArrayList<>();

    /** A bus with the default codec that logs failures. */
    public EventBus() {
        this(EventCodec.defaults(), (event, error) -> LOG.log(System.Logger.Level.WARNING,
                "Handler failure for event '" + event + "'", error));
    }

    /**
     * A bus with a codec and an error handler.
     *
     * @param codec decodes payloads for typed handlers
     * @param errorHandler receives decode failures and handler exceptions
     */
    public EventBus(EventCodec codec, ErrorHandler errorHandler) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
    }

    /**
     * The codec.
     *
     * @return the codec this bus decodes with
     */
    public EventCodec codec() {
        return codec;
    }

    /**
     * Registers a typed handler.
     *
     * @param type the event and its payload type
     * @param handler receives decoded payloads (a JSON null payload arrives as {@code null})
     * @param <T> the payload type
     * @return closing it unregisters the handler
     */
    public <T> Subscription on(EventType<T> type, Consumer<? super T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        return add(type.name(), new Handler<>(type, handler));
    }

    /**
     * Registers an untyped handler.
     *
     * @param event the event name
     * @param handler receives the JSON payload ({@code NullNode} when there is none)
     * @return closing it unregisters the handler
     */
    public Subscription on(String event, Consumer<? super JsonNode> handler) {
        return on(EventType.json(event), handler);
    }

    /**
     * Registers a handler for every event.
     *
     * @param handler receives the event name and its JSON payload
     * @return closing it unregisters the handler
     */
    public Subscription onAny(BiConsumer<String, JsonNode> handler) {
        Objects.requireNonNull(handler, "handler");
        anyHandlers.add(handler);
        return () -> anyHandlers.remove(handler);
    }

    /**
     * Whether any handler (named or catch-all) would receive this event.
     *
     * @param event the event name
     * @return true if a handler is registered for it
     */
    public boolean hasHandlers(String event) {
        List<Handler<?>> list = handlers.get(event);
        return (list != null && !list.isEmpty()) || !anyHandlers.isEmpty();
    }

    /**
     * Delivers an event to its handlers, then to the catch-all handlers.
     *
     * @param event the event name
     * @param payload the JSON payload, or {@code null} for none
     */
    public void publish(String event, JsonNode payload) {
        Objects.requireNonNull(event, "event");
        JsonNode node = payload == null ? NullNode.getInstance() : payload;
        List<Handler<?>> list = handlers.get(event);
        if (list != null) {
            for (Handler<?> h : list) {
                h.deliver(node);
            }
        }
        for (BiConsumer<String, JsonNode> h : anyHandlers) {
            try {
                h.accept(event, node);
            } catch (RuntimeException e) {
                reportError(event, e);
            }
        }
    }

    /**
     * Delivers a typed value, encoding it with the codec first.
     *
     * @param type the event type
     * @param value the payload
     * @param <T> the payload type
     */
    public <T> void publish(EventType<T> type, T value) {
        publish(type.name(), codec.encode(value));
    }

    private void reportError(String event, Throwable error) {
        try {
            errorHandler.onError(event, error);
        } catch (RuntimeException e) {
            e.addSuppressed(error);
            LOG.log(System.Logger.Level.WARNING, "Event error handler threw for event '" + event + "'", e);
        }
    }

    private Subscription add(String name, Handler<?> h) {
        handlers.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(h);
        return () -> handlers.computeIfPresent(name, (k, list) -> {
            list.remove(h);
            return list.isEmpty() ? null : list;
        });
    }

    private final class Handler<T> {
        private final EventType<T> type;
        private final Consumer<? super T> consumer;

        Handler(EventType<T> type, Consumer<? super T> consumer) {
            this.type = type;
            this.consumer = consumer;
        }

        void deliver(JsonNode payload) {
            T value;
            try {
                value = codec.decode(type, payload);
            } catch (RuntimeException e) {
                reportError(type.name(), e);
                return;
            }
            try {
                consumer.accept(value);
            } catch (RuntimeException e) {
                reportError(type.name(), e);
            }
        }
    }
}
