package io.noa.realtime.samples;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Polls a condition; the samples' stand-in for Awaitility. */
final class Waits {
    private Waits() {}

    static void until(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
