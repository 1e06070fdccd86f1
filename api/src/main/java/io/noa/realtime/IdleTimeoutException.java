package io.noa.realtime;

import java.time.Duration;
import java.util.Objects;

/**
 * No byte (not even a heartbeat comment or a pong) arrived within the idle timeout: the link is
 * considered dead (half-open). Retryable.
 */
public class IdleTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param target the endpoint, already redacted
     * @param timeout the idle timeout that elapsed
     */
    public IdleTimeoutException(String target, Duration timeout) {
        super("No data from " + target + " for " + timeout.toMillis()
                + " ms; the connection is considered dead. Ask the server to send heartbeats or raise the idle timeout");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The idle timeout that elapsed.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
