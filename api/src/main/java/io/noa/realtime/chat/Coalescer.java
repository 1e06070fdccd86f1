package io.noa.realtime.chat;

import io.noa.realtime.internal.SerialExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Passes on at most one snapshot per interval per message (the latest), and every final snapshot
 * at once. Runs inside the client's serial callback executor; its timer re-enters through it.
 */
final class Coalescer implements Consumer<StreamingMessage>, AutoCloseable {
    private final long intervalNanos;
    private final Consumer<? super StreamingMessage> downstream;
    private final ScheduledExecutorService scheduler;
    private final SerialExecutor callbacks;
    private final Map<String, Slot> slots = new HashMap<>();
    private boolean closed;

    private static final class Slot {
        long lastDelivered;
        StreamingMessage pending;
        ScheduledFuture<?> timer;
    }

    Coalescer(Duration minInterval, Consumer<? super StreamingMessage> downstream, ScheduledExecutorService scheduler,
            SerialExecutor callbacks) {
        Objects.requireNonNull(minInterval, "minInterval");
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("minInterval must not be negative, was " + minInterval);
        }
        this.intervalNanos = minInterval.toNanos();
        this.downstream = Objects.requireNonNull(downstream, "listener");
        this.scheduler = scheduler;
        this.callbacks = callbacks;
    }

    @Override
    public void accept(StreamingMessage message) {
        StreamingMessage deliver = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            Slot slot = slots.computeIfAbsent(message.id(), k -> new Slot());
            if (!message.isStreaming()) {
                if (slot.timer != null) {
                    slot.timer.cancel(false);
                }
                slots.remove(message.id());
                deliver = message;
            } else if (slot.lastDelivered == 0 || now - slot.lastDelivered >= intervalNanos) {
                slot.lastDelivered = now;
                slot.pending = null;
                deliver = message;
            } else {
                slot.pending = message;
                if (slot.timer == null) {
                    long wait = intervalNanos - (now - slot.lastDelivered);
                    try {
                        slot.timer = scheduler.schedule(() -> callbacks.execute(() -> flush(message.id())), wait,
                                TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException e) {
                        slot.pending = null;
                        deliver = message;
                    }
                }
            }
        }
        if (deliver != null) {
            downstream.accept(deliver);
        }
    }

    private void flush(String id) {
        StreamingMessage deliver;
        synchronized (this) {
            Slot slot = slots.get(id);
            if (closed || slot == null) {
                return;
            }
            slot.timer = null;
            deliver = slot.pending;
            slot.pending = null;
            if (deliver != null) {
                slot.lastDelivered = System.nanoTime();
            }
        }
        if (deliver != null) {
            downstream.accept(deliver);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Slot s : slots.values()) {
            if (s.timer != null) {
                s.timer.cancel(false);
            }
        }
        slots.clear();
    }
}
