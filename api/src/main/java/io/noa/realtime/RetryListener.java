package io.noa.realtime;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Sees a client retry, the way socket.io-client's {@code reconnect_error},
 * {@code reconnect_attempt} and {@code reconnect_failed} events do: each failed attempt that
 * will be retried, each retry as it starts, and the one moment the retries run out. Register it
 * with {@code SseClient.onRetry}, {@code RealtimeClient.onRetry} or {@code StreamingChat.onRetry}
 * (there, a request retried before the first byte of its answer).
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ObservabilityExamples.java#retry-listener -->
 * <pre>{@code
 * sse.onRetry(new RetryListener() {
 *     @Override
 *     public void onRetryScheduled(RetryEvent retry) {
 *         System.out.println("retrying: " + retry);   // attempt 3 of ∞ in 1.6 s after ConnectException: ...
 *     }
 *
 *     @Override
 *     public void onRetriesExhausted(String subject, int retries, Throwable lastFailure) {
 *         System.out.println("gave up on " + subject + " after " + retries + " retries: " + lastFailure);
 *     }
 * });
 * }</pre>
 *
 * <p>For the common case, one line: every client's {@code onRetry} also takes a lambda for
 * {@link #onRetryScheduled} ({@code chat.onRetry(retry -> log(retry))}), and
 * {@link #onScheduled(Consumer)} / {@link #onExhausted(Consumer)} build a listener of one method
 * where a {@code RetryListener} is wanted.
 *
 * <p>A failure that is not retried (a 401, a refused handshake, a limit error, or any failure
 * once the retries ran out) reaches no {@link #onRetryScheduled}; together with the client's
 * state change to {@link ConnectionState#FAILED} (and its {@code onError} listeners, which see
 * every failure) it is the error to act on.
 *
 * <p>Methods run serially and in order with the client's other callbacks, on the same thread
 * (by default the transport's I/O thread: do not block). Every method has an empty default.
 */
public interface RetryListener {
    /**
     * An attempt failed and the next one is scheduled ({@code reconnect_error}, plus the delay
     * socket.io-client keeps to itself).
     *
     * @param retry the retry: its number, the budget, the delay and the failure
     */
    default void onRetryScheduled(RetryEvent retry) {}

    /**
     * A scheduled retry starts now ({@code reconnect_attempt}); a retry cancelled by
     * {@code disconnect()} or {@code close()} never starts.
     *
     * @param retry the same event {@link #onRetryScheduled} received
     */
    default void onRetryStarted(RetryEvent retry) {}

    /**
     * The failure was retryable but the policy allows no more retries ({@code reconnect_failed}):
     * the client is {@link ConnectionState#FAILED} (a chat message ends in {@code ERROR}). Called
     * once per run of retries.
     *
     * @param subject the URL (credentials stripped) or the chat message id
     * @param retries how many retries were made before giving up
     * @param lastFailure the failure of the last attempt
     */
    default void onRetriesExhausted(String subject, int retries, Throwable lastFailure) {}

    /**
     * A listener that runs {@code action} for each retry scheduled ({@link #onRetryScheduled})
     * and ignores the rest: {@code client.onRetry(RetryListener.onScheduled(retry -> log(retry)))},
     * which {@code client.onRetry(retry -> log(retry))} is short for.
     *
     * @param action receives each {@link RetryEvent}: "attempt 3 of &#8734; in 1.6 s after ..."
     * @return the listener
     */
    static RetryListener onScheduled(Consumer<? super RetryEvent> action) {
        Objects.requireNonNull(action, "action");
        return new RetryListener() {
            @Override
            public void onRetryScheduled(RetryEvent retry) {
                action.accept(retry);
            }

            @Override
            public String toString() {
                return "RetryListener.onScheduled(" + action + ")";
            }
        };
    }

    /**
     * A listener that runs {@code action} with the last failure when the retries run out
     * ({@link #onRetriesExhausted}: the client is {@link ConnectionState#FAILED}) and ignores
     * the rest.
     *
     * @param action receives the failure of the last attempt
     * @return the listener
     */
    static RetryListener onExhausted(Consumer<? super Throwable> action) {
        Objects.requireNonNull(action, "action");
        return new RetryListener() {
            @Override
            public void onRetriesExhausted(String subject, int retries, Throwable lastFailure) {
                action.accept(lastFailure);
            }

            @Override
            public String toString() {
                return "RetryListener.onExhausted(" + action + ")";
            }
        };
    }
}
