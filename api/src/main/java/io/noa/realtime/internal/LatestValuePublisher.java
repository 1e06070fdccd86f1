package io.noa.realtime.internal;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A hot {@link Flow.Publisher} of the latest value: each subscriber holds at most one undelivered
 * value (a newer value replaces an older one it has not requested yet), so memory is bounded and
 * a slow subscriber skips to the newest value. A subscriber that arrives late first receives the
 * current value. {@link #complete(Object)} publishes a last value; every subscriber receives it
 * (once it has demand) and then {@code onComplete}; later subscribers get that last value and
 * {@code onComplete}. Signals to one subscriber are serial; they run on the thread that publishes
 * or requests.
 *
 * @param <T> the value type
 */
public final class LatestValuePublisher<T> implements Flow.Publisher<T> {
    private final Object lock = new Object();
    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    private final Runnable onCancel;
    private T latest;
    private boolean done;

    /** A publisher without a current value. */
    public LatestValuePublisher() {
        this(() -> { });
    }

    /**
     * A publisher that runs {@code onCancel} whenever a subscriber cancels.
     *
     * @param onCancel run on the cancelling thread, once per cancelled subscriber
     */
    public LatestValuePublisher(Runnable onCancel) {
        this.onCancel = Objects.requireNonNull(onCancel, "onCancel");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Slot slot = new Slot(subscriber);
        synchronized (lock) {
            slot.pending.set(latest);
            if (done) {
                slot.ended = true;
            } else {
                slots.add(slot);
            }
        }
        subscriber.onSubscribe(slot);
        slot.drain();
    }

    /**
     * Publishes a new current value (ignored after {@link #complete}).
     *
     * @param value the value
     */
    public void publish(T value) {
        Objects.requireNonNull(value, "value");
        synchronized (lock) {
            if (done) {
                return;
            }
            latest = value;
            if (slots.isEmpty()) {
                return; // the usual case per chunk: nobody follows this call, so no iterator either
            }
            for (Slot s : slots) {
                s.pending.set(value);
            }
        }
        for (Slot s : slots) {
            s.drain();
        }
    }

    /**
     * Publishes the last value and completes every subscriber after it. Idempotent: only the first
     * call counts.
     *
     * @param last the last value
     * @return whether this call completed the publisher
     */
    public boolean complete(T last) {
        Objects.requireNonNull(last, "last");
        java.util.List<Slot> all;
        synchronized (lock) {
            if (done) {
                return false;
            }
            latest = last;
            done = true;
            for (Slot s : slots) {
                s.pending.set(last);
                s.ended = true;
            }
            all = new java.util.ArrayList<>(slots);
            slots.clear();
        }
        for (Slot s : all) {
            s.drain();
        }
        return true;
    }

    /**
     * The current value.
     *
     * @return the latest published value, or null before the first
     */
    public T latest() {
        synchronized (lock) {
            return latest;
        }
    }

    /**
     * Whether anyone is subscribed now (and not yet completed or cancelled). Lock-free.
     *
     * @return true while at least one subscriber follows
     */
    public boolean hasSubscribers() {
        return !slots.isEmpty();
    }

    /**
     * Whether {@link #complete} was called.
     *
     * @return true once completed
     */
    public boolean isCompleted() {
        synchronized (lock) {
            return done;
        }
    }

    private final class Slot implements Flow.Subscription {
        final Flow.Subscriber<? super T> downstream;
        final AtomicReference<T> pending = new AtomicReference<>();
        final AtomicLong requested = new AtomicLong();
        final AtomicInteger wip = new AtomicInteger();
        volatile boolean ended;
        volatile boolean cancelled;
        volatile Throwable badRequest;

        Slot(Flow.Subscriber<? super T> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams rule 3.9), got " + n);
            } else {
                requested.getAndUpdate(r -> r + n < 0 ? Long.MAX_VALUE : r + n);
            }
            drain();
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                slots.remove(this);
                pending.set(null);
                onCancel.run();
            }
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                if (cancelled) {
                    pending.set(null);
                } else if (badRequest != null) {
                    Throwable e = badRequest;
                    cancel();
                    downstream.onError(e);
                } else {
                    boolean end = ended; // read before the value: the last value is set before ended
                    if (requested.get() > 0) {
                        T v = pending.getAndSet(null);
                        if (v != null) {
                            if (requested.get() != Long.MAX_VALUE) {
                                requested.decrementAndGet();
                            }
                            downstream.onNext(v);
                        }
                    }
                    if (end && !cancelled && pending.get() == null) {
                        cancelled = true;
                        downstream.onComplete();
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
