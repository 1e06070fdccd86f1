package io.noa.realtime.tck;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A response-body subscriber for contract tests: copies what it receives, counts signals, and
 * lets the test drive demand.
 */
public final class BodyCollector implements Flow.Subscriber<ByteBuffer> {
    private final long initialDemand;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final AtomicInteger onNextCalls = new AtomicInteger();
    private final AtomicInteger terminalSignals = new AtomicInteger();
    private final CompletableFuture<byte[]> done = new CompletableFuture<>();

    /**
     * A collector that requests {@code initialDemand} buffers when subscribed.
     *
     * @param initialDemand 0 for none, {@code Long.MAX_VALUE} for unbounded
     */
    public BodyCollector(long initialDemand) {
        this.initialDemand = initialDemand;
    }

    /**
     * An unbounded collector.
     *
     * @return a collector that requests everything
     */
    public static BodyCollector unbounded() {
        return new BodyCollector(Long.MAX_VALUE);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.compareAndSet(null, s)) {
            s.cancel();
            return;
        }
        if (initialDemand > 0) {
            s.request(initialDemand);
        }
    }

    @Override
    public void onNext(ByteBuffer item) {
        onNextCalls.incrementAndGet();
        byte[] copy = new byte[item.remaining()];
        item.duplicate().get(copy);
        synchronized (bytes) {
            bytes.write(copy, 0, copy.length);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        terminalSignals.incrementAndGet();
        done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        terminalSignals.incrementAndGet();
        done.complete(bytes());
    }

    /**
     * Requests more buffers.
     *
     * @param n how many
     */
    public void request(long n) {
        subscription.get().request(n);
    }

    /** Cancels the subscription. */
    public void cancel() {
        subscription.get().cancel();
    }

    /**
     * Whether {@code onSubscribe} was called.
     *
     * @return true once subscribed
     */
    public boolean subscribed() {
        return subscription.get() != null;
    }

    /**
     * The bytes received so far.
     *
     * @return a copy
     */
    public byte[] bytes() {
        synchronized (bytes) {
            return bytes.toByteArray();
        }
    }

    /**
     * The bytes received so far as UTF-8.
     *
     * @return the text
     */
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /**
     * Number of bytes received so far.
     *
     * @return the count
     */
    public int size() {
        synchronized (bytes) {
            return bytes.size();
        }
    }

    /**
     * Number of {@code onNext} calls so far.
     *
     * @return the count
     */
    public int onNextCalls() {
        return onNextCalls.get();
    }

    /**
     * Number of terminal signals ({@code onComplete} + {@code onError}); the contract allows one.
     *
     * @return the count
     */
    public int terminalSignals() {
        return terminalSignals.get();
    }

    /**
     * Completes with all bytes on {@code onComplete}, or exceptionally on {@code onError}.
     *
     * @return the outcome
     */
    public CompletableFuture<byte[]> done() {
        return done;
    }
}
