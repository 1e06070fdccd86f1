package io.noa.realtime.reactor;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/** State views shared by {@link ReactorSse} and {@link ReactorRealtime}. */
final class States {
    private States() {}

    static Flux<ConnectionState> observe(Function<Consumer<StateChange>, Subscription> register,
            Supplier<ConnectionState> current) {
        return Flux.create(sink -> {
            Object lock = new Object();
            StateChain[] chain = new StateChain[1];
            Subscription s = register.apply(change -> {
                synchronized (lock) {
                    ConnectionState next = chain[0] == null ? null : chain[0].next(change);
                    if (next != null) {
                        sink.next(next);
                    }
                }
            });
            sink.onDispose(s::close);
            synchronized (lock) {
                ConnectionState first = current.get();
                chain[0] = new StateChain(first);
                sink.next(first);
            }
        }, FluxSink.OverflowStrategy.LATEST);
    }

    static Mono<Void> connect(Function<Consumer<StateChange>, Subscription> register,
            Supplier<ConnectionState> current, Runnable connect, String what) {
        return Mono.create(sink -> {
            AtomicBoolean started = new AtomicBoolean();
            AtomicBoolean done = new AtomicBoolean(); // an error after the end would be dropped to the hooks
            Consumer<Throwable> fail = e -> {
                if (done.compareAndSet(false, true)) {
                    sink.error(e);
                }
            };
            Subscription s = register.apply(change -> {
                if (change.to() == ConnectionState.CONNECTED && done.compareAndSet(false, true)) {
                    sink.success();
                } else if (started.get() && stopped(change.to()) && stopped(current.get())) {
                    fail.accept(change.cause().orElseGet(() -> new ConnectionClosedException(
                            what + " ended in state " + change.to() + " before it connected")));
                }
            });
            sink.onDispose(() -> {
                done.set(true);
                s.close();
            });
            if (current.get() == ConnectionState.CONNECTED && done.compareAndSet(false, true)) {
                sink.success();
                return;
            }
            try {
                connect.run();
                started.set(true);
                ConnectionState now = current.get();
                if (stopped(now)) {
                    fail.accept(new ConnectionClosedException(what + " is " + now + " right after connect()"));
                }
            } catch (RuntimeException e) {
                fail.accept(e);
            }
        });
    }

    /** Not connected and not trying to. */
    static boolean stopped(ConnectionState s) {
        return s.isTerminal() || s == ConnectionState.DISCONNECTED;
    }

    /**
     * Follows a client's state from a first reading: a change is applied only when it starts from
     * the last state seen, so notifications queued before the first reading do not move the view
     * backwards. Not thread-safe: callers hold a lock.
     */
    static final class StateChain {
        private ConnectionState last;

        StateChain(ConnectionState first) {
            this.last = first;
        }

        /** The new state if {@code change} continues the chain, else null. */
        ConnectionState next(StateChange change) {
            if (change.from() != last || change.to() == last) {
                return null;
            }
            last = change.to();
            return last;
        }
    }
}
