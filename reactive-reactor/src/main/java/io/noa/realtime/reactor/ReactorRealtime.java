package io.noa.realtime.reactor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.flow.ConnectionStates;
import io.noa.realtime.flow.Listeners;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.Subscription;
import io.noa.realtime.event.EventType;
import io.noa.realtime.ws.RealtimeClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor views of a {@link RealtimeClient}.
 *
 * <p>Inbound events are pushed by the server and cannot be slowed down, so their fluxes buffer
 * for a lagging subscriber up to a bound ({@value #DEFAULT_MAX_BUFFERED} events unless given) and
 * then fail with {@link LimitExceededException}; add {@code onBackpressureLatest()} or
 * {@code onBackpressureDrop()} before a slow stage to choose another strategy. Events are
 * delivered on the client's callback thread (do not block there).
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ReactorExamples.java#reactor-realtime -->
 * <pre>{@code
 * Disposable shown = ReactorRealtime.connect(client)
 *         .thenMany(ReactorRealtime.events(client, MESSAGE_NEW))
 *         .subscribe(m -> System.out.println(m.userId() + ": " + m.content()));
 * Disposable sent = ReactorRealtime
 *         .emitWithAck(client, "message:send", Map.of("roomId", "room-123", "content", "Hi from Reactor"))
 *         .subscribe(ack -> System.out.println("ack " + ack), error -> System.out.println("failed: " + error));
 * }</pre>
 */
public final class ReactorRealtime {
    /** Events buffered per subscriber by default before the flux fails. */
    public static final int DEFAULT_MAX_BUFFERED = Listeners.DEFAULT_MAX_BUFFERED;

    private ReactorRealtime() {}

    /**
     * Typed inbound events, buffering at most {@value #DEFAULT_MAX_BUFFERED} for a lagging
     * subscriber. Each subscriber registers its own handler; cancelling removes it. Payloads that
     * decode to {@code null} are skipped; payloads that do not decode go to
     * {@link RealtimeClient#onError}, not to this stream.
     *
     * @param client the client
     * @param type the event name and payload type
     * @param <T> the payload type
     * @return a flux of payloads; it never completes
     */
    public static <T> Flux<T> events(RealtimeClient client, EventType<T> type) {
        return events(client, type, DEFAULT_MAX_BUFFERED);
    }

    /**
     * Typed inbound events, buffering at most {@code maxBuffered} for a lagging subscriber; one
     * more fails the flux with {@link LimitExceededException}, delivered after the buffered
     * events.
     *
     * @param client the client
     * @param type the event name and payload type
     * @param maxBuffered the bound of the per-subscriber buffer, at least 1
     * @param <T> the payload type
     * @return a flux of payloads; it never completes
     */
    public static <T> Flux<T> events(RealtimeClient client, EventType<T> type, int maxBuffered) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(type, "type");
        return listen(handler -> client.on(type, handler), maxBuffered);
    }

    /**
     * Untyped inbound events (a JSON {@code null} payload arrives as {@link NullNode}), buffering
     * at most {@value #DEFAULT_MAX_BUFFERED} for a lagging subscriber.
     *
     * @param client the client
     * @param event the event name
     * @return a flux of payloads; it never completes
     */
    public static Flux<JsonNode> events(RealtimeClient client, String event) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(event, "event");
        return listen(handler -> client.on(event, (JsonNode n) -> handler.accept(n == null ? NullNode.getInstance() : n)),
                DEFAULT_MAX_BUFFERED);
    }

    private static <T> Flux<T> listen(Function<Consumer<T>, Subscription> register, int maxBuffered) {
        return JdkFlowAdapter.flowPublisherToFlux(
                Listeners.publisher(register, maxBuffered, "ReactorRealtime.events(..., maxBuffered)"));
    }

    /**
     * The client's connection state: the current state at once, then each change, in order.
     * Backpressure: latest wins. Never completes; cancelling removes the listener.
     *
     * @param client the client
     * @return a flux of states
     */
    public static Flux<ConnectionState> states(RealtimeClient client) {
        Objects.requireNonNull(client, "client");
        return JdkFlowAdapter.flowPublisherToFlux(ConnectionStates.publisher(client::onStateChange, client::state));
    }

    /**
     * On subscription, {@linkplain RealtimeClient#connect() connects} (no effect when already
     * connecting or connected); completes empty when {@link ConnectionState#CONNECTED} (at once if
     * it already is), fails with the cause (e.g. {@link io.noa.realtime.HandshakeException}) when
     * the client ends {@link ConnectionState#FAILED}, or with
     * {@link io.noa.realtime.ConnectionClosedException} when it is closed first. Cancelling only
     * stops waiting; it does not disconnect.
     *
     * @param client the client
     * @return a mono of the connection
     */
    public static Mono<Void> connect(RealtimeClient client) {
        Objects.requireNonNull(client, "client");
        return fromFuture(() -> ConnectionStates.connect(client::onStateChange, client::state, client::connect,
                "Realtime client " + client));
    }

    /**
     * Sends an event on subscription and emits the server's acknowledgement (the client's default
     * timeout). Cancelling cancels the pending acknowledgement.
     *
     * @param client the client
     * @param event the event name
     * @param data the payload (any value the codec can serialize, or {@code null})
     * @return a mono of the answer; a missing answer is {@link NullNode}
     */
    public static Mono<JsonNode> emitWithAck(RealtimeClient client, String event, Object data) {
        return emitWithAck(client, event, data, Objects.requireNonNull(client, "client").options().defaultAckTimeout());
    }

    /**
     * Sends an event on subscription and emits the acknowledgement, or fails with
     * {@link io.noa.realtime.AckTimeoutException} after {@code timeout}. Cancelling cancels it.
     *
     * @param client the client
     * @param event the event name
     * @param data the payload
     * @param timeout how long to wait for the answer
     * @return a mono of the answer; a missing answer is {@link NullNode}
     */
    public static Mono<JsonNode> emitWithAck(RealtimeClient client, String event, Object data, Duration timeout) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(timeout, "timeout");
        return fromFuture(() -> client.emitWithAck(event, data, timeout))
                .defaultIfEmpty(NullNode.getInstance());
    }

    /**
     * Sends an event on subscription and emits the acknowledgement decoded as {@code answerType}.
     * Cancelling cancels it.
     *
     * @param client the client
     * @param event the event name
     * @param data the payload
     * @param answerType the answer's type
     * @param timeout how long to wait for the answer
     * @param <R> the answer type
     * @return a mono of the answer; empty when the answer is null
     */
    public static <R> Mono<R> emitWithAck(RealtimeClient client, String event, Object data, Class<R> answerType,
            Duration timeout) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(answerType, "answerType");
        Objects.requireNonNull(timeout, "timeout");
        return fromFuture(() -> client.emitWithAck(event, data, answerType, timeout));
    }

    /** A mono of the future {@code call} returns on subscription; cancelling cancels the future. */
    static <T> Mono<T> fromFuture(Supplier<CompletableFuture<T>> call) {
        return Mono.fromFuture(call, false);
    }
}
