package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import io.noa.realtime.internal.SerialExecutor;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The lifecycle listeners and responders of a {@link RealtimeClient}, and the one serial queue
 * every user callback of the client runs through (event handlers, listeners, acknowledgement
 * futures). Lock-free: other classes queue callbacks with {@link #deliver} while holding their own
 * lock and {@link #kick()} after releasing it, so no user code ever runs under a lock.
 *
 * <p>It also bounds the callbacks not yet run: above {@value #MAX_PENDING} the link stops reading
 * ({@link #mayRead()}) and {@link #onDrained} resumes it.
 */
final class Callbacks implements AckLedger.Delivery {
    static final int MAX_PENDING = 1024;

    private final SerialExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();
    private final CopyOnWriteArrayList<Runnable> connect = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super String>> disconnect = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super Throwable>> errors = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super StateChange>> states = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Function<JsonNode, ?>> responders = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<io.noa.realtime.RetryListener> retries = new CopyOnWriteArrayList<>();
    private volatile Runnable onDrained = () -> {};

    Callbacks(Executor executor) {
        this.executor = new SerialExecutor(executor);
    }

    /** What to run when the queue drops back below its bound (resume reading the link). */
    void onDrained(Runnable r) {
        onDrained = r;
    }

    Subscription onConnect(Runnable l) {
        return add(connect, l);
    }

    Subscription onDisconnect(Consumer<? super String> l) {
        return add(disconnect, l);
    }

    Subscription onError(Consumer<? super Throwable> l) {
        return add(errors, l);
    }

    Subscription onStateChange(Consumer<? super StateChange> l) {
        return add(states, l);
    }

    Subscription onRetry(io.noa.realtime.RetryListener l) {
        return add(retries, l);
    }

    /** Queues the retry listeners; call {@link #kick()} once no lock is held. */
    void retry(Consumer<io.noa.realtime.RetryListener> call) {
        if (retries.isEmpty()) {
            return;
        }
        deliver(() -> retries.forEach(call));
    }

    Subscription respond(String event, Function<JsonNode, ?> responder) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(responder, "responder");
        responders.put(event, responder);
        return () -> responders.remove(event, responder);
    }

    Function<JsonNode, ?> responder(String event) {
        return responders.get(event);
    }

    private static <T> Subscription add(CopyOnWriteArrayList<T> list, T item) {
        list.add(Objects.requireNonNull(item, "listener"));
        return () -> list.remove(item);
    }

    /** Queues the connect listeners. */
    void connected() {
        deliver(() -> connect.forEach(Runnable::run));
    }

    /** Queues the disconnect listeners. */
    void disconnected(String reason) {
        deliver(() -> disconnect.forEach(l -> l.accept(reason)));
    }

    /** Queues the error listeners. */
    void error(Throwable error) {
        deliver(() -> errorNow(error));
    }

    /** Runs the error listeners now; only from inside a delivered callback. */
    void errorNow(Throwable error) {
        errors.forEach(l -> l.accept(error));
    }

    /** Queues the state listeners. */
    void stateChanged(StateChange change) {
        deliver(() -> states.forEach(l -> l.accept(change)));
    }

    /** Queues a callback without running it; call {@link #kick()} once no lock is held. */
    @Override
    public void deliver(Runnable task) {
        pending.incrementAndGet();
        executor.enqueue(() -> {
            try {
                task.run();
            } finally {
                if (pending.decrementAndGet() == MAX_PENDING - 1) {
                    onDrained.run();
                }
            }
        });
    }

    /** Runs the queued callbacks (here, or on the callback executor). Never call it under a lock. */
    @Override
    public void kick() {
        executor.kick();
    }

    /** Whether the link may read more frames (the callback queue is below its bound). */
    boolean mayRead() {
        return pending.get() < MAX_PENDING;
    }
}
