package io.noa.realtime;

/**
 * A handle to a registered listener or handler. Closing it unregisters; closing twice is
 * harmless. Usable with try-with-resources.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Unregisters. Idempotent and thread-safe; never throws. */
    @Override
    void close();
}
