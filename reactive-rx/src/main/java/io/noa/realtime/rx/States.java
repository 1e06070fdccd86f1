package io.noa.realtime.rx;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Observable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** State views shared by {@link RxSse} and {@link RxRealtime}. */
final class States {
    private States() {}

    static Observable<ConnectionState> observe(Function<Consumer<StateChange>, Subscription> register,
            Supplier<ConnectionState> current) {
        return Observable.create(emitter -> {
            Object lock = new Object();
            StateChain[] chain = new StateChain[1];
            Subscription s = register.apply(change -> {
                synchronized (lock) {
                    ConnectionState next = chain[0] == null ? null : chain[0].next(change);
                    if (next != null) {
                        emitter.onNext(next);
                    }
                }
            });
            emitter.setCancellable(s::close);
            synchronized (lock) {
                ConnectionState first = current.get();
                chain[0] = new StateChain(first);
                emitter.onNext(first);
            }
        });
    }

    static Completable connect(Function<Consumer<StateChange>, Subscription> register,
            Supplier<ConnectionState> current, Runnable connect, String what) {
        return Completable.create(emitter -> {
            AtomicBoolean started = new AtomicBoolean();
            Subscription s = register.apply(change -> {
                if (change.to() == ConnectionState.CONNECTED) {
                    emitter.onComplete();
                } else if (started.get() && stopped(change.to()) && stopped(current.get())) {
                    emitter.tryOnError(change.cause().orElseGet(() -> new ConnectionClosedException(
                            what + " ended in state " + change.to() + " before it connected")));
                }
            });
            emitter.setCancellable(s::close);
            if (current.get() == ConnectionState.CONNECTED) {
                emitter.onComplete();
                return;
            }
            try {
                connect.run();
                started.set(true);
                ConnectionState now = current.get();
                if (stopped(now)) {
                    emitter.tryOnError(new ConnectionClosedException(what + " is " + now + " right after connect()"));
                }
            } catch (RuntimeException e) {
                emitter.tryOnError(e);
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
