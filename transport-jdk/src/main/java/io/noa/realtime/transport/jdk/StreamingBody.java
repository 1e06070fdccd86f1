package io.noa.realtime.transport.jdk;

import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bridges the JDK's response body ({@code List<ByteBuffer>} per signal) to a single-subscriber
 * {@code Flow.Publisher<ByteBuffer>} with one buffer per unit of demand.
 *
 * <p>Backpressure: at most one list is asked of the JDK at a time, and only when the buffers of
 * the previous list have all been delivered and the subscriber has demand. With no demand the
 * JDK's HTTP/1.1 reader stops reading the socket, so the server's writes back up into TCP.
 *
 * <p>All signals to the subscriber come from one drain loop, so they are serial; the loop runs on
 * whichever thread made progress possible (a JDK I/O thread, or the subscriber's own
 * {@code request}).
 */
final class StreamingBody implements HttpResponse.BodySubscriber<Flow.Publisher<ByteBuffer>>, Flow.Publisher<ByteBuffer> {
    private static final System.Logger LOG = System.getLogger(StreamingBody.class.getName());

    private final String target;
    private final ConcurrentLinkedQueue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Flow.Subscription> upstream = new AtomicReference<>();
    private final AtomicReference<Flow.Subscriber<? super ByteBuffer>> downstream = new AtomicReference<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    /** Lists asked of the JDK and lists received; equal when nothing is outstanding. */
    private final AtomicLong listsRequested = new AtomicLong();
    private final AtomicLong listsReceived = new AtomicLong();
    private volatile boolean ready; // downstream.onSubscribe has returned
    private volatile boolean upstreamDone;
    private volatile Throwable upstreamError;
    private boolean terminated; // drain loop only

    StreamingBody(String target) {
        this.target = target;
    }

    // ---- JDK side (BodySubscriber) ----

    @Override
    public CompletionStage<Flow.Publisher<ByteBuffer>> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        if (!upstream.compareAndSet(null, subscription)) {
            subscription.cancel();
            return;
        }
        if (cancelled.get()) {
            subscription.cancel();
            return;
        }
        drain();
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                queue.add(b);
            }
        }
        listsReceived.incrementAndGet(); // after the adds: see drain()
        drain();
    }

    @Override
    public void onError(Throwable error) {
        upstreamError = error;
        upstreamDone = true;
        drain();
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        drain();
    }

    // ---- user side (Publisher) ----

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!downstream.compareAndSet(null, subscriber)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("the response body of " + target
                    + " can be subscribed only once"));
            return;
        }
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                StreamingBody.this.request(n);
            }

            @Override
            public void cancel() {
                StreamingBody.this.cancel();
            }
        });
        ready = true;
        drain();
    }

    /** Cancels the body (subscribed or not); the JDK then closes the connection. Idempotent. */
    void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            Flow.Subscription s = upstream.get();
            if (s != null) {
                s.cancel();
            }
            drain(); // releases queued buffers
        }
    }

    private void request(long n) {
        if (n <= 0) {
            upstreamError = new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams rule 3.9), was " + n);
            upstreamDone = true;
            Flow.Subscription s = upstream.get();
            if (s != null && !cancelled.get()) {
                s.cancel();
            }
        } else {
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
        }
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            drainOnce();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainOnce() {
        if (cancelled.get() || terminated) {
            queue.clear();
            return;
        }
        if (!ready) {
            return;
        }
        Flow.Subscriber<? super ByteBuffer> s = downstream.get();
        Throwable err = upstreamError;
        if (err != null) {
            terminate(s, err);
            return;
        }
        while (demand.get() > 0 && !cancelled.get()) {
            ByteBuffer b = queue.poll();
            if (b == null) {
                break;
            }
            demand.decrementAndGet();
            try {
                s.onNext(b);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A body subscriber threw from onNext; cancelling " + target, e);
                cancel();
                return;
            }
        }
        if (cancelled.get()) {
            queue.clear();
            return;
        }
        // upstreamDone is written after the last onNext, and listsReceived after its adds: read
        // them before looking at the queue.
        boolean done = upstreamDone;
        boolean nothingOutstanding = listsReceived.get() == listsRequested.get();
        if (queue.isEmpty()) {
            if (done) {
                terminate(s, upstreamError);
            } else if (nothingOutstanding && demand.get() > 0) {
                Flow.Subscription up = upstream.get();
                if (up != null) {
                    listsRequested.incrementAndGet();
                    up.request(1);
                }
            }
        }
    }

    private void terminate(Flow.Subscriber<? super ByteBuffer> s, Throwable error) {
        terminated = true;
        queue.clear();
        try {
            if (error == null) {
                s.onComplete();
            } else {
                s.onError(map(error));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "A body subscriber threw from its terminal signal", e);
        }
    }

    private Throwable map(Throwable error) {
        if (error instanceof RealtimeException || error instanceof IllegalArgumentException) {
            return error;
        }
        return new TransportException("The response body from " + target + " ended early: " + error, error);
    }
}
