package io.noa.realtime.transport.netty;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A resource shared by the transports that use it and counted by them: the first
 * {@link #acquire()} creates it, the {@link #release(Object)} that matches the last acquire stops
 * it, and the next acquire creates a new one. So a process that closes its transports keeps no
 * thread of theirs, and one that creates a transport again gets fresh threads.
 *
 * @param <T> the resource (an event loop group, an executor)
 */
final class Shared<T> {
    private final Supplier<T> create;
    private final Consumer<T> stop;
    private T current;
    private int users;

    Shared(Supplier<T> create, Consumer<T> stop) {
        this.create = create;
        this.stop = stop;
    }

    /** The live resource, created if nobody holds it; pair with one {@link #release(Object)}. */
    synchronized T acquire() {
        if (users++ == 0) {
            current = create.get();
        }
        return current;
    }

    /** Gives back what {@link #acquire()} returned; the last user's release stops it. */
    void release(T resource) {
        T stopping;
        synchronized (this) {
            if (resource != current || users == 0) {
                return;
            }
            if (--users > 0) {
                return;
            }
            stopping = current;
            current = null;
        }
        stop.accept(stopping);
    }

    /** How many transports hold the resource now. */
    synchronized int users() {
        return users;
    }
}
