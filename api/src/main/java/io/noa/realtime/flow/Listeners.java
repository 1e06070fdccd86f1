package io.noa.realtime.flow;

import io.noa.realtime.LimitExceededException;
import io.noa.realtime.Subscription;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns a listener registration into a cold, bounded {@link Flow.Publisher}, e.g. the inbound
 * events of a {@link io.noa.realtime.ws.RealtimeClient}:
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#listeners -->
 * <pre>{@code
 * Flow.Publisher<ChatMessage> messages = Listeners.publisher(h -> client.on(MESSAGE_NEW, h),
 *         Listeners.DEFAULT_MAX_BUFFERED, "maxBuffered");
 * }</pre>
 *
 * <p>A server pushes events and cannot be slowed down, so a subscriber that lags gets a bounded
 * buffer; one value more fails the subscription with a {@link LimitExceededException} (delivered
 * after the buffered values) naming the setting to raise. A subscriber with unbounded demand
 * never fills it.
 */
public final class Listeners {
    /** Values buffered per subscriber by default before the subscription fails. */
    public static final int DEFAULT_MAX_BUFFERED = 1024;

    private Listeners() {}

    /**
     * A cold publisher of the values a listener receives: each subscriber registers its own
     * listener on {@code subscribe} (after {@code onSubscribe}); cancelling closes the
     * registration. {@code null} values are skipped. Never completes; fails only when the
     * subscriber's buffer overflows.
     *
     * @param register registers a listener and returns its registration, e.g.
     *        {@code h -> client.on(type, h)}
     * @param maxBuffered the bound of each subscriber's buffer, at least 1
     * @param setting the name of the setting that controls the bound, for the error message
     * @param <T> the value type
     * @return the publisher
     */
    public static <T> Flow.Publisher<T> publisher(Function<Consumer<T>, Subscription> register, int maxBuffered,
            String setting) {
        Objects.requireNonNull(register, "register");
        Objects.requireNonNull(setting, "setting");
        if (maxBuffered < 1) {
            throw new IllegalArgumentException("maxBuffered must be at least 1, was " + maxBuffered);
        }
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            Relay<T> relay = new Relay<>(subscriber, maxBuffered, setting);
            subscriber.onSubscribe(relay);
            relay.attach(register.apply(relay));
        };
    }

    /** One subscriber: its listener, bounded queue and demand. */
    private static final class Relay<T> implements Flow.Subscription, Consumer<T> {
        private final Flow.Subscriber<? super T> downstream;
        private final int max;
        private final String setting;
        private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile Subscription registration;
        private volatile boolean cancelled;
        private volatile Throwable failure;

        Relay(Flow.Subscriber<? super T> downstream, int max, String setting) {
            this.downstream = downstream;
            this.max = max;
            this.setting = setting;
        }

        void attach(Subscription s) {
            registration = s;
            if (cancelled) {
                release();
            }
        }

        private void release() {
            Subscription s = registration;
            if (s != null) {
                registration = null;
                s.close();
            }
        }

        @Override
        public void accept(T value) {
            if (value == null || cancelled || failure != null) {
                return;
            }
            if (size.incrementAndGet() > max) {
                failure = new LimitExceededException("values buffered for a slow subscriber", setting, max);
            } else {
                queue.offer(value);
            }
            drain();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                failure = new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams rule 3.9), got " + n);
                queue.clear();
            } else {
                requested.getAndUpdate(r -> r + n < 0 ? Long.MAX_VALUE : r + n);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            release();
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                if (cancelled) {
                    queue.clear();
                } else {
                    while (requested.get() > 0 && !cancelled) {
                        T v = queue.poll();
                        if (v == null) {
                            break;
                        }
                        size.decrementAndGet();
                        if (requested.get() != Long.MAX_VALUE) {
                            requested.decrementAndGet();
                        }
                        downstream.onNext(v);
                    }
                    Throwable e = failure;
                    if (e != null && queue.isEmpty() && !cancelled) {
                        cancelled = true;
                        release();
                        downstream.onError(e);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
