package io.noa.realtime.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for {@link java.util.concurrent.CompletableFuture} outcomes. */
public final class Futures {
    private Futures() {}

    /**
     * The failure a future's wrappers hide: strips {@link CompletionException} and
     * {@link ExecutionException} layers (each only when it has a cause).
     *
     * @param t a failure as seen by {@code whenComplete}, {@code handle} or {@code get}
     * @return the underlying failure
     */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
