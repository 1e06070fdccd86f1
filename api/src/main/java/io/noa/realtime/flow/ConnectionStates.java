package io.noa.realtime.flow;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import io.noa.realtime.internal.LatestValuePublisher;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client's connection state as a publisher, and "connect, then wait until connected" as a
 * future, for any client with an {@code onStateChange(listener)} and a {@code state()} method
 * ({@link io.noa.realtime.sse.SseClient}, {@link io.noa.realtime.ws.RealtimeClient}):
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#connection-states -->
 * <pre>{@code
 * Flow.Publisher<ConnectionState> states = ConnectionStates.publisher(client::onStateChange, client::state);
 * states.subscribe(subscriber);
 * CompletableFuture<Void> up = ConnectionStates.connect(client::onStateChange, client::state, client::connect,
 *         "SSE client");
 * }</pre>
 */
public final class ConnectionStates {
    private ConnectionStates() {}

    /**
     * The current state at subscription, then each change, in order. Cold: each subscriber
     * registers its own listener (on {@code subscribe}) and cancelling removes it. A change is
     * applied only when it starts from the last state delivered, so a notification queued before
     * the first reading never moves the view backwards. Latest-wins under slow demand (a slow
     * subscriber sees the newest state; at most one state is held per subscriber). Never
     * completes.
     *
     * @param onStateChange registers a state listener, e.g. {@code client::onStateChange}
     * @param state reads the current state, e.g. {@code client::state}
     * @return the publisher
     */
    public static Flow.Publisher<ConnectionState> publisher(Function<Consumer<StateChange>, Subscription> onStateChange,
            Supplier<ConnectionState> state) {
        Objects.requireNonNull(onStateChange, "onStateChange");
        Objects.requireNonNull(state, "state");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            AtomicReference<Subscription> registration = new AtomicReference<>();
            AtomicBoolean cancelled = new AtomicBoolean();
            LatestValuePublisher<ConnectionState> out = new LatestValuePublisher<>(() -> {
                cancelled.set(true);
                Subscription s = registration.getAndSet(null);
                if (s != null) {
                    s.close();
                }
            });
            Object lock = new Object();
            ConnectionState[] last = new ConnectionState[1];
            Subscription s = onStateChange.apply(change -> {
                synchronized (lock) {
                    if (last[0] != null && change.from() == last[0] && change.to() != last[0]) {
                        last[0] = change.to();
                        out.publish(change.to());
                    }
                }
            });
            registration.set(s);
            synchronized (lock) {
                last[0] = state.get();
                out.publish(last[0]);
            }
            out.subscribe(subscriber);
            if (cancelled.get() && registration.getAndSet(null) != null) {
                s.close();
            }
        };
    }

    /**
     * Connects and waits: registers a state listener, then runs {@code connect} (unless the
     * client already is {@link ConnectionState#CONNECTED}, which completes the future at once).
     * The future completes when the client is CONNECTED; it fails with the cause of a
     * {@link ConnectionState#FAILED} end (e.g. a {@link io.noa.realtime.HandshakeException}), or
     * with a {@link ConnectionClosedException} when the client stops (closed, disconnected)
     * before connecting, or with what {@code connect} threw. Cancelling the future only stops
     * waiting (removes the listener); it does not disconnect.
     *
     * @param onStateChange registers a state listener, e.g. {@code client::onStateChange}
     * @param state reads the current state, e.g. {@code client::state}
     * @param connect starts connecting, e.g. {@code client::connect}
     * @param what the client, for error messages (e.g. {@code "SSE client " + client})
     * @return a future completing when connected
     */
    public static CompletableFuture<Void> connect(Function<Consumer<StateChange>, Subscription> onStateChange,
            Supplier<ConnectionState> state, Runnable connect, String what) {
        Objects.requireNonNull(onStateChange, "onStateChange");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(what, "what");
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicBoolean started = new AtomicBoolean();
        Subscription s = onStateChange.apply(change -> {
            if (change.to() == ConnectionState.CONNECTED) {
                done.complete(null);
            } else if (started.get() && stopped(change.to()) && stopped(state.get())) {
                done.completeExceptionally(change.cause().orElseGet(() -> new ConnectionClosedException(
                        what + " ended in state " + change.to() + " before it connected")));
            }
        });
        done.whenComplete((v, e) -> s.close());
        if (state.get() == ConnectionState.CONNECTED) {
            done.complete(null);
            return done;
        }
        try {
            connect.run();
            started.set(true);
            ConnectionState now = state.get();
            if (stopped(now)) {
                done.completeExceptionally(new ConnectionClosedException(what + " is " + now + " right after connect()"));
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Not connected and not trying to. */
    private static boolean stopped(ConnectionState s) {
        return s.isTerminal() || s == ConnectionState.DISCONNECTED;
    }
}
