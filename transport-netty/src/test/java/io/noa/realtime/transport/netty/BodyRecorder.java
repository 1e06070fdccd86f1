package io.noa.realtime.transport.netty;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Records what a body publisher signals; copies every buffer; demand is driven by the test. */
final class BodyRecorder implements Flow.Subscriber<ByteBuffer> {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger onNextCount = new AtomicInteger();
    final AtomicInteger terminalCount = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    volatile boolean completed;
    volatile Flow.Subscription subscription;
    private final long initialDemand;
    private final CountDownLatch doneLatch = new CountDownLatch(1);

    BodyRecorder(long initialDemand) {
        this.initialDemand = initialDemand;
    }

    static BodyRecorder unbounded() {
        return new BodyRecorder(Long.MAX_VALUE);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (initialDemand > 0) {
            s.request(initialDemand);
        }
    }

    @Override
    public void onNext(ByteBuffer item) {
        byte[] copy = new byte[item.remaining()];
        item.get(copy);
        synchronized (bytes) {
            bytes.write(copy, 0, copy.length);
        }
        onNextCount.incrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
        error.set(t);
        terminalCount.incrementAndGet();
        doneLatch.countDown();
    }

    @Override
    public void onComplete() {
        completed = true;
        terminalCount.incrementAndGet();
        doneLatch.countDown();
    }

    int size() {
        synchronized (bytes) {
            return bytes.size();
        }
    }

    String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits for the terminal signal without polling. */
    void awaitDone() throws InterruptedException {
        if (!doneLatch.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("body did not end");
        }
    }

    boolean done() {
        return terminalCount.get() > 0;
    }
}
