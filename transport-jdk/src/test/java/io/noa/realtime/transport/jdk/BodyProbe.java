package io.noa.realtime.transport.jdk;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A body subscriber that records what it gets and lets the test drive demand. */
final class BodyProbe implements Flow.Subscriber<ByteBuffer> {
    final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicInteger terminals = new AtomicInteger();
    final AtomicInteger buffers = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final long initialDemand;
    private final boolean keep;

    BodyProbe(long initialDemand, boolean keep) {
        this.initialDemand = initialDemand;
        this.keep = keep;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription.complete(s);
        if (initialDemand > 0) {
            s.request(initialDemand);
        }
    }

    @Override
    public void onNext(ByteBuffer item) {
        buffers.incrementAndGet();
        bytes.addAndGet(item.remaining());
        if (keep) {
            byte[] b = new byte[item.remaining()];
            item.get(b);
            synchronized (kept) {
                kept.write(b, 0, b.length);
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        terminals.incrementAndGet();
        done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        terminals.incrementAndGet();
        done.complete(null);
    }

    String text() {
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
