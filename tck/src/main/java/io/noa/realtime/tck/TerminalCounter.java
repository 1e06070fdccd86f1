package io.noa.realtime.tck;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber that requests everything and counts terminal signals and signals after a terminal
 * one, for exactly-once accounting.
 *
 * @param <T> item type
 */
final class TerminalCounter<T> implements Flow.Subscriber<T> {
    final AtomicInteger terminals = new AtomicInteger();
    final AtomicInteger afterTerminal = new AtomicInteger();
    final AtomicInteger items = new AtomicInteger();
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(T item) {
        if (terminals.get() > 0) {
            afterTerminal.incrementAndGet();
        }
        items.incrementAndGet();
    }

    @Override
    public void onError(Throwable error) {
        if (terminals.getAndIncrement() > 0) {
            afterTerminal.incrementAndGet();
        }
    }

    @Override
    public void onComplete() {
        if (terminals.getAndIncrement() > 0) {
            afterTerminal.incrementAndGet();
        }
    }
}
