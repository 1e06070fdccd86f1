package io.noa.realtime.benchmarks.jmh;

import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.HttpStreaming;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.WebSocketConnector;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A transport without a network, for measuring the SDK's own chat path in JMH: every HTTP request
 * is answered at once with {@code 200 text/event-stream} and one fixed body, handed to the
 * subscriber in slices of a fixed size on the thread that asks for them (so the whole answer is
 * parsed, decoded and accumulated on the benchmark thread, as {@link Pipelines#full} does by hand).
 * Never used in tests of behaviour: those run against real servers. WebSocket is not offered.
 */
final class MemoryTransport implements Transport {
    private final byte[] body;
    private final int slice;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "memory-transport-timer");
        t.setDaemon(true);
        return t;
    });

    MemoryTransport(byte[] body, int slice) {
        this.body = body;
        this.slice = slice;
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public HttpStreaming http() {
        return request -> {
            Objects.requireNonNull(request, "request");
            return CompletableFuture.completedFuture(new Response());
        };
    }

    @Override
    public WebSocketConnector webSocket() {
        throw new UnsupportedOperationException("the memory transport answers HTTP requests only");
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** One answer: the body in slices, one per unit of demand, delivered in a loop (no recursion). */
    private final class Response implements StreamingResponse, Flow.Publisher<ByteBuffer>, Flow.Subscription {
        private Flow.Subscriber<? super ByteBuffer> subscriber;
        private int position;
        private long demand;
        private boolean emitting;
        private boolean done;

        @Override
        public int status() {
            return 200;
        }

        @Override
        public Headers headers() {
            return Headers.builder().add("Content-Type", "text/event-stream").build();
        }

        @Override
        public Flow.Publisher<ByteBuffer> body() {
            return this;
        }

        @Override
        public void close() {
            done = true;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            demand += n;
            if (emitting) {
                return; // the loop below goes on
            }
            emitting = true;
            try {
                while (demand > 0 && !done) {
                    if (position == body.length) {
                        done = true;
                        subscriber.onComplete();
                        return;
                    }
                    int n2 = Math.min(slice, body.length - position);
                    ByteBuffer b = ByteBuffer.wrap(body, position, n2).asReadOnlyBuffer();
                    position += n2;
                    demand--;
                    subscriber.onNext(b);
                }
            } finally {
                emitting = false;
            }
        }

        @Override
        public void cancel() {
            done = true;
        }
    }
}
