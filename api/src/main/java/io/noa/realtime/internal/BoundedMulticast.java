package io.noa.realtime.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hot {@link Flow.Publisher} that hands every offered item to each current subscriber, each
 * with its own queue and demand. The producer asks {@link #hasRoom()} before producing more;
 * {@code onSpace} runs when a subscriber's queue drains below the high-water mark (or a
 * subscriber leaves), so the producer can resume. A queue therefore holds at most
 * {@code highWater} items plus what the producer offered in one step after the last check.
 * Signals to one subscriber are serial; they run on the thread that offers or requests.
 *
 * @param <T> the item type
 */
public final class BoundedMulticast<T> implements Flow.Publisher<T> {
    private final int highWater;
    private final Runnable onSpace;
    private final CopyOnWriteArrayList<Sub> subs = new CopyOnWriteArrayList<>();
    private volatile boolean done;
    private volatile Throwable error;

    /**
     * Creates the publisher.
     *
     * @param highWater queue size at which {@link #hasRoom()} turns false
     * @param onSpace called (on any thread) when room appears again
     */
    public BoundedMulticast(int highWater, Runnable onSpace) {
        if (highWater < 1) {
            throw new IllegalArgumentException("highWater must be >= 1");
        }
        this.highWater = highWater;
        this.onSpace = Objects.requireNonNull(onSpace, "onSpace");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Sub s = new Sub(subscriber);
        if (!done) {
            subs.add(s);
        }
        subscriber.onSubscribe(s);
        if (done) {
            s.drain();
        }
    }

    /**
     * Whether {@link #complete()} or {@link #error(Throwable)} was called.
     *
     * @return true once terminated
     */
    public boolean isTerminated() {
        return done;
    }

    /**
     * Whether there are subscribers.
     *
     * @return true if at least one subscriber is attached
     */
    public boolean hasSubscribers() {
        return !subs.isEmpty();
    }

    /**
     * Whether every subscriber's queue is below the high-water mark.
     *
     * @return true when the producer may produce more
     */
    public boolean hasRoom() {
        for (Sub s : subs) {
            if (s.size.get() >= highWater) {
                return false;
            }
        }
        return true;
    }

    /**
     * Queues an item for every current subscriber and delivers what demand allows.
     *
     * @param item the item
     */
    public void offer(T item) {
        Objects.requireNonNull(item, "item");
        if (done || subs.isEmpty()) {
            return; // nobody subscribed: no iterator per item
        }
        for (Sub s : subs) {
            s.queue.offer(item);
            s.size.incrementAndGet();
            s.drain();
        }
    }

    /** Completes every subscriber after its queue drains; later subscribers complete at once. */
    public void complete() {
        terminate(null);
    }

    /**
     * Fails every subscriber after its queue drains; later subscribers fail at once.
     *
     * @param t the failure
     */
    public void error(Throwable t) {
        terminate(Objects.requireNonNull(t, "t"));
    }

    private void terminate(Throwable t) {
        if (done) {
            return;
        }
        error = t;
        done = true;
        for (Sub s : subs) {
            s.drain();
        }
    }

    private final class Sub implements Flow.Subscription {
        final Flow.Subscriber<? super T> downstream;
        final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
        final AtomicLong requested = new AtomicLong();
        final AtomicInteger wip = new AtomicInteger();
        volatile boolean cancelled;
        volatile boolean terminated;
        volatile Throwable badRequest;

        Sub(Flow.Subscriber<? super T> downstream) {
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
                leave();
            }
        }

        private void leave() {
            subs.remove(this);
            queue.clear();
            size.set(0);
            onSpace.run();
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                if (cancelled || terminated) {
                    queue.clear();
                } else if (badRequest != null) {
                    terminated = true;
                    cancelled = true;
                    leave();
                    downstream.onError(badRequest);
                } else {
                    boolean freed = false;
                    while (requested.get() > 0 && !cancelled) {
                        T item = queue.poll();
                        if (item == null) {
                            break;
                        }
                        if (size.decrementAndGet() == highWater - 1) {
                            freed = true;
                        }
                        if (requested.get() != Long.MAX_VALUE) {
                            requested.decrementAndGet();
                        }
                        downstream.onNext(item);
                    }
                    if (freed && !cancelled) {
                        onSpace.run();
                    }
                    if (done && queue.isEmpty() && !cancelled && !terminated) {
                        terminated = true;
                        subs.remove(this);
                        Throwable e = error;
                        if (e == null) {
                            downstream.onComplete();
                        } else {
                            downstream.onError(e);
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
