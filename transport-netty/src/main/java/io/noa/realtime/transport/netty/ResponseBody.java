package io.noa.realtime.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The body of one response as a single-subscriber {@link Flow.Publisher}. All state lives on the
 * connection's event loop; {@code request} and {@code cancel} hop onto it. The socket is read
 * only while there is demand and nothing is queued, so at most one read's worth of chunks is
 * ever buffered here.
 */
final class ResponseBody implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
    private static final System.Logger LOG = System.getLogger(ResponseBody.class.getName());

    /** What the body needs from its connection. Called on the event loop only. */
    interface Source {
        /** Read more from the socket. */
        void read();

        /** Give up on the response: close the connection. */
        void abort();
    }

    private final EventLoop loop;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private Source source; // null once the body was read to its end (or aborted)
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;
    private boolean ended; // the connection delivered its last byte or failed
    private Throwable error;
    private boolean terminated; // terminal signal sent, or cancelled
    private boolean draining;

    ResponseBody(EventLoop loop, Source source) {
        this.loop = loop;
        this.source = source;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        Objects.requireNonNull(s, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            s.onSubscribe(Noop.INSTANCE);
            s.onError(new IllegalStateException("The response body can be subscribed only once"));
            return;
        }
        onLoop(() -> {
            if (terminated) { // closed before subscribing
                s.onSubscribe(Noop.INSTANCE);
                s.onError(new IllegalStateException("The response was closed before its body was subscribed"));
                return;
            }
            subscriber = s;
            try {
                s.onSubscribe(this);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Body subscriber threw from onSubscribe; cancelling", e);
                cancelNow();
                return;
            }
            drain();
        });
    }

    @Override
    public void request(long n) {
        // called once per buffer, almost always on the event loop (from onNext): no task object then
        if (loop.inEventLoop()) {
            requestNow(n);
        } else {
            loop.execute(() -> requestNow(n));
        }
    }

    private void requestNow(long n) {
        if (terminated) {
            return;
        }
        if (n <= 0) {
            Flow.Subscriber<? super ByteBuffer> s = subscriber;
            cancelNow();
            s.onError(new IllegalArgumentException("request(n) needs n > 0, was " + n));
            return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        drain();
    }

    @Override
    public void cancel() {
        onLoop(this::cancelNow);
    }

    /** A chunk from the connection; ownership passes to this body. */
    void offer(ByteBuf chunk) {
        if (terminated || !chunk.isReadable()) {
            chunk.release();
            return;
        }
        queue.add(chunk);
        drain();
    }

    /** The connection finished: the body ended cleanly ({@code error == null}) or failed. */
    void end(Throwable failure) {
        if (ended) {
            return;
        }
        ended = true;
        error = failure;
        source = null;
        drain();
    }

    /** The connection finished a read; read again if the subscriber still wants data. */
    void readComplete() {
        drain();
    }

    private void drain() {
        if (draining || subscriber == null || terminated) {
            return;
        }
        draining = true;
        try {
            while (!terminated) {
                ByteBuf chunk = queue.peek();
                if (chunk != null) {
                    if (demand == 0) {
                        return;
                    }
                    queue.poll();
                    demand--;
                    try {
                        subscriber.onNext(chunk.nioBuffer());
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "Body subscriber threw from onNext; cancelling", e);
                        cancelNow();
                    } finally {
                        chunk.release();
                    }
                } else if (ended) {
                    terminated = true;
                    try {
                        if (error == null) {
                            subscriber.onComplete();
                        } else {
                            subscriber.onError(error);
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "Body subscriber threw from its terminal method", e);
                    }
                } else {
                    if (demand > 0 && source != null) {
                        source.read();
                    }
                    return;
                }
            }
        } finally {
            draining = false;
        }
    }

    private void cancelNow() {
        if (terminated) {
            return;
        }
        terminated = true;
        ByteBuf chunk;
        while ((chunk = queue.poll()) != null) {
            chunk.release();
        }
        Source s = source;
        source = null;
        if (s != null) {
            s.abort();
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private enum Noop implements Flow.Subscription {
        INSTANCE;

        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    }
}
