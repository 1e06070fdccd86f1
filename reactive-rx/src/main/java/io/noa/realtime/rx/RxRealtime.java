package io.noa.realtime.rx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.flow.ConnectionStates;
import io.noa.realtime.flow.Listeners;
import io.noa.realtime.Subscription;
import io.noa.realtime.event.EventType;
import io.noa.realtime.ws.RealtimeClient;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Single;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.reactivestreams.FlowAdapters;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * RxJava 3 views of a {@link RealtimeClient}.
 *
 * <p>Inbound events are {@link Observable}s: the server pushes them and cannot be slowed down,
 * so there is no backpressure to offer; choose a strategy explicitly with
 * {@code toFlowable(BackpressureStrategy.BUFFER / LATEST / DROP / ERROR)} when a consumer may
 * lag. Events are delivered on the client's callback thread (do not block there).
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/RxExamples.java#rx-realtime -->
 * <pre>{@code
 * Disposable shown = RxRealtime.connect(client)
 *         .andThen(RxRealtime.events(client, MESSAGE_NEW))
 *         .subscribe(m -> System.out.println(m.userId() + ": " + m.content()));
 * Disposable sent = RxRealtime
 *         .emitWithAck(client, "message:send", Map.of("roomId", "room-123", "content", "Hi from Rx"))
 *         .subscribe(ack -> System.out.println("ack " + ack), error -> System.out.println("failed: " + error));
 * }</pre>
 */
public final class RxRealtime {
    private RxRealtime() {}

    /**
     * Typed inbound events. Each subscriber registers its own handler; disposing removes it.
     * Payloads that decode to {@code null} are skipped (RxJava forbids null); payloads that do
     * not decode go to {@link RealtimeClient#onError}, not to this stream.
     *
     * @param client the client
     * @param type the event name and payload type
     * @param <T> the payload type
     * @return an observable of payloads; it never completes
     */
    public static <T> Observable<T> events(RealtimeClient client, EventType<T> type) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(type, "type");
        return listen(handler -> client.on(type, handler));
    }

    /**
     * Untyped inbound events (a JSON {@code null} payload arrives as {@link NullNode}).
     *
     * @param client the client
     * @param event the event name
     * @return an observable of payloads; it never completes
     */
    public static Observable<JsonNode> events(RealtimeClient client, String event) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(event, "event");
        return listen(handler -> client.on(event, (JsonNode n) -> handler.accept(n == null ? NullNode.getInstance() : n)));
    }

    private static <T> Observable<T> listen(Function<Consumer<T>, Subscription> register) {
        return Observable.fromPublisher(FlowAdapters.toPublisher(
                Listeners.publisher(register, Listeners.DEFAULT_MAX_BUFFERED, "Listeners.DEFAULT_MAX_BUFFERED")));
    }

    /**
     * The client's connection state: the current state at once, then each change, in order.
     * Never completes; disposing removes the listener.
     *
     * @param client the client
     * @return an observable of states
     */
    public static Observable<ConnectionState> states(RealtimeClient client) {
        Objects.requireNonNull(client, "client");
        return Observable.fromPublisher(FlowAdapters.toPublisher(
                ConnectionStates.publisher(client::onStateChange, client::state)));
    }

    /**
     * On subscription, {@linkplain RealtimeClient#connect() connects} (no effect when already
     * connecting or connected); completes when {@link ConnectionState#CONNECTED} (at once if it
     * already is), fails with the cause (e.g. {@link io.noa.realtime.HandshakeException}) when the
     * client ends {@link ConnectionState#FAILED}, or with
     * {@link io.noa.realtime.ConnectionClosedException} when it is closed first. Disposing only
     * stops waiting; it does not disconnect.
     *
     * @param client the client
     * @return a completable of the connection
     */
    public static Completable connect(RealtimeClient client) {
        Objects.requireNonNull(client, "client");
        return RxRealtime.completable(() -> ConnectionStates.connect(client::onStateChange, client::state, client::connect,
                "Realtime client " + client));
    }

    /**
     * Sends an event on subscription and emits the server's acknowledgement (the client's default
     * timeout). Disposing cancels the pending acknowledgement.
     *
     * @param client the client
     * @param event the event name
     * @param data the payload (any value the codec can serialize, or {@code null})
     * @return a single of the answer; a missing answer is {@link NullNode}
     */
    public static Single<JsonNode> emitWithAck(RealtimeClient client, String event, Object data) {
        return emitWithAck(client, event, data, Objects.requireNonNull(client, "client").options().defaultAckTimeout());
    }

    /**
     * Sends an event on subscription and emits the acknowledgement, or fails with
     * {@link io.noa.realtime.AckTimeoutException} after {@code timeout}. Disposing cancels it.
     *
     * @param client the client
     * @param event the event name
     * @param data the payload
     * @param timeout how long to wait for the answer
     * @return a single of the answer; a missing answer is {@link NullNode}
     */
    public static Single<JsonNode> emitWithAck(RealtimeClient client, String event, Object data, Duration timeout) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(timeout, "timeout");
        return fromFuture(() -> client.emitWithAck(event, data, timeout)
                .thenApply(n -> n == null ? NullNode.getInstance() : n));
    }

    /**
     * Sends an event on subscription and emits the acknowledgement decoded as {@code answerType}.
     * Disposing cancels it.
     *
     * @param client the client
     * @param event the event name
     * @param data the payload
     * @param answerType the answer's type
     * @param timeout how long to wait for the answer
     * @param <R> the answer type
     * @return a single of the answer; fails with {@link NoSuchElementException} when it is null
     */
    public static <R> Single<R> emitWithAck(RealtimeClient client, String event, Object data, Class<R> answerType,
            Duration timeout) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(answerType, "answerType");
        Objects.requireNonNull(timeout, "timeout");
        return fromFuture(() -> client.emitWithAck(event, data, answerType, timeout));
    }

    /** A completable of the future {@code call} returns on subscription; disposing cancels the future. */
    static Completable completable(Supplier<CompletableFuture<Void>> call) {
        return Completable.create(emitter -> {
            CompletableFuture<Void> future = call.get();
            emitter.setCancellable(() -> future.cancel(false));
            future.whenComplete((value, error) -> {
                if (error != null) {
                    emitter.tryOnError(error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error);
                } else {
                    emitter.onComplete();
                }
            });
        });
    }

    static <T> Single<T> fromFuture(Supplier<CompletableFuture<T>> call) {
        return Single.create(emitter -> {
            CompletableFuture<T> future = call.get();
            emitter.setCancellable(() -> future.cancel(false));
            future.whenComplete((value, error) -> {
                if (error != null) {
                    emitter.tryOnError(error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error);
                } else if (value == null) {
                    emitter.tryOnError(new NoSuchElementException("The acknowledgement carried no value"));
                } else {
                    emitter.onSuccess(value);
                }
            });
        });
    }
}
