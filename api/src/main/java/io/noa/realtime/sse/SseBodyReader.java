package io.noa.realtime.sse;

import io.noa.realtime.IdleTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Feeds one HTTP response body into an {@link SseParser}, one buffer at a time, asking for the
 * next buffer only while the consumer has room (so a slow consumer stops the socket reads), and
 * fails the stream when no byte arrives for the idle timeout. Reading paused for backpressure does
 * not count as idle.
 *
 * <p>Signals to the {@link Sink} are serial (they follow the transport's serial body signals);
 * exactly one of {@link Sink#onEnd()} and {@link Sink#onFailure(Throwable)} ends the stream,
 * and none after {@link #cancel()}.
 */
final class SseBodyReader implements Flow.Subscriber<ByteBuffer> {
    /** Receives the outcome of reading the body. */
    public interface Sink {
        /** The body ended normally (EOF); the parser has been finished. */
        void onEnd();

        /**
         * The body failed (network error, idle timeout, parser limit, or an exception thrown by
         * the parser's handler).
         *
         * @param error the failure
         */
        void onFailure(Throwable error);
    }

    private final SseParser parser;
    private final Sink sink;
    private final BooleanSupplier mayRead;
    private final ScheduledExecutorService scheduler;
    private final Duration idleTimeout;
    private final String target;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean paused;
    private volatile boolean draining;
    private volatile ScheduledFuture<?> idleCheck;
    private final Object demandLock = new Object();
    private boolean outstanding;

    /**
     * Creates a reader.
     *
     * @param parser the parser for this response (reset by the caller)
     * @param sink the outcome receiver
     * @param mayRead whether the consumer has room for more events now
     * @param scheduler the transport's timer
     * @param idleTimeout the read timeout, reset by any bytes
     * @param target the redacted URL for error messages
     */
    public SseBodyReader(SseParser parser, Sink sink, BooleanSupplier mayRead, ScheduledExecutorService scheduler,
            Duration idleTimeout, String target) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.mayRead = Objects.requireNonNull(mayRead, "mayRead");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (subscription != null || done.get()) {
            s.cancel();
            return;
        }
        subscription = s;
        lastActivity = System.nanoTime();
        scheduleIdleCheck(idleTimeout.toNanos());
        requestIfAllowed();
    }

    @Override
    public void onNext(ByteBuffer item) {
        synchronized (demandLock) {
            outstanding = false;
        }
        if (draining) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
            return;
        }
        if (done.get()) {
            return;
        }
        lastActivity = System.nanoTime();
        try {
            parser.feed(item);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        requestIfAllowed();
    }

    @Override
    public void onError(Throwable throwable) {
        fail(throwable);
    }

    @Override
    public void onComplete() {
        if (done.compareAndSet(false, true)) {
            cancelIdleCheck();
            try {
                parser.finish();
            } catch (RuntimeException e) {
                sink.onFailure(e);
                return;
            }
            sink.onEnd();
        }
    }

    /** Asks for the next buffer if the consumer has room; call it when room appears. */
    public void resume() {
        requestIfAllowed();
    }

    private void requestIfAllowed() {
        Flow.Subscription s = subscription;
        if (s == null || done.get()) {
            return;
        }
        boolean request = false;
        synchronized (demandLock) {
            if (!outstanding) {
                if (mayRead.getAsBoolean()) {
                    outstanding = true;
                    request = true;
                    if (paused) {
                        paused = false;
                        lastActivity = System.nanoTime();
                    }
                } else {
                    paused = true;
                }
            }
        }
        if (request) {
            s.request(1);
        }
    }

    /**
     * The consumer has all it needs (e.g. {@code [DONE]} arrived): no sink signal follows, the
     * rest of the body is read and discarded for at most {@code grace} so that the connection
     * can return to the transport's pool, then the subscription is cancelled. Idempotent.
     *
     * @param grace how long to wait for the end of the body
     */
    public void drainAndRelease(Duration grace) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        cancelIdleCheck();
        draining = true;
        Flow.Subscription s = subscription;
        if (s == null) {
            return;
        }
        try {
            scheduler.schedule(s::cancel, grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            s.cancel();
            return;
        }
        boolean request;
        synchronized (demandLock) {
            request = !outstanding;
            outstanding = true;
        }
        if (request) {
            s.request(1);
        }
    }

    /** Stops reading and releases the connection; no sink signal follows. Idempotent. */
    public void cancel() {
        if (done.compareAndSet(false, true)) {
            cancelIdleCheck();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /**
     * Whether the stream has ended, failed or been cancelled.
     *
     * @return true once done
     */
    public boolean isDone() {
        return done.get();
    }

    private void fail(Throwable error) {
        if (done.compareAndSet(false, true)) {
            cancelIdleCheck();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            sink.onFailure(error);
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        if (done.get()) {
            return;
        }
        try {
            idleCheck = scheduler.schedule(this::checkIdle, Math.max(delayNanos, 1_000_000L), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            fail(new io.noa.realtime.TransportException("Transport scheduler is shut down; cannot time " + target, e));
        }
    }

    private void checkIdle() {
        if (done.get()) {
            return;
        }
        long now = System.nanoTime();
        if (paused) {
            lastActivity = now;
        }
        long idle = now - lastActivity;
        if (idle >= idleTimeout.toNanos()) {
            fail(new IdleTimeoutException(target, idleTimeout));
        } else {
            scheduleIdleCheck(idleTimeout.toNanos() - idle);
        }
    }

    private void cancelIdleCheck() {
        ScheduledFuture<?> f = idleCheck;
        if (f != null) {
            f.cancel(false);
        }
    }
}
