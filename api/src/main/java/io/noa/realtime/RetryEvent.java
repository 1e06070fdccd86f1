package io.noa.realtime;

import java.time.Duration;
import java.util.Objects;

/**
 * One retry a client has scheduled after a failed attempt: which retry it is, out of how many
 * the {@link RetryPolicy} allows, how long until it starts, and the failure that caused it.
 * Immutable. Delivered to a {@link RetryListener} and to a {@link ClientEventListener}.
 *
 * <p>Its {@link #toString()} reads the way a log line should:
 * {@code "attempt 3 of ∞ in 1.6 s after ConnectException: Connection refused (http://127.0.0.1:8080/events)"}
 * (the subject in parentheses only when the failure's message does not name it already).
 */
public final class RetryEvent {
    private final String subject;
    private final int attempt;
    private final int maxAttempts;
    private final Duration delay;
    private final Throwable cause;

    /**
     * Creates a retry event.
     *
     * @param subject what is retried: the URL of an {@code SseClient} or {@code RealtimeClient}
     *     (credentials stripped), or the message id of a {@code StreamingChat} request
     * @param attempt the number of this retry, from 1
     * @param maxAttempts how many retries the policy allows ({@link RetryPolicy#maxRetries()}),
     *     {@link RetryPolicy#UNLIMITED} for no limit
     * @param delay how long until the retry starts
     * @param cause the failure of the attempt before
     */
    public RetryEvent(String subject, int attempt, int maxAttempts, Duration delay, Throwable cause) {
        this.subject = Objects.requireNonNull(subject, "subject");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
        this.delay = Objects.requireNonNull(delay, "delay");
        this.cause = Objects.requireNonNull(cause, "cause");
    }

    /**
     * What is retried: the URL of an {@code SseClient} or a {@code RealtimeClient} (credentials
     * stripped), or the message id of a {@code StreamingChat} request.
     *
     * @return the subject
     */
    public String subject() {
        return subject;
    }

    /**
     * The number of this retry: 1 for the first retry after the first failed attempt. Counts
     * from 1 again once a connection succeeded (and, for the streaming clients, stayed up for the
     * policy's {@link RetryPolicy#healthyAfter() healthyAfter}).
     *
     * @return the retry number, from 1
     */
    public int attempt() {
        return attempt;
    }

    /**
     * How many retries the policy allows in a row.
     *
     * @return the budget, or {@link RetryPolicy#UNLIMITED}
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Whether the retries never run out.
     *
     * @return true for an unlimited policy
     */
    public boolean isUnlimited() {
        return maxAttempts == RetryPolicy.UNLIMITED;
    }

    /**
     * How long the client waits before this retry (after backoff, jitter, a server
     * {@code retry:} field or {@code Retry-After}).
     *
     * @return the delay
     */
    public Duration delay() {
        return delay;
    }

    /**
     * The failure of the attempt before this retry.
     *
     * @return the failure
     */
    public Throwable cause() {
        return cause;
    }

    @Override
    public String toString() {
        String of = isUnlimited() ? "\u221e" : String.valueOf(maxAttempts);
        long millis = delay.toMillis();
        String in = millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        String message = cause.getMessage();
        boolean named = message != null && message.contains(subject); // the errors name their URL already
        return "attempt " + attempt + " of " + of + " in " + in + " after " + cause.getClass().getSimpleName()
                + (message == null ? "" : ": " + message) + (named ? "" : " (" + subject + ")");
    }
}
