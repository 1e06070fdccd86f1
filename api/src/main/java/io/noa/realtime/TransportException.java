package io.noa.realtime;

/**
 * A network failure below the protocol: connection refused or reset, a read or write error, an
 * unexpected end of stream. Retryable by default (see {@link RetryPolicy#isRetryable(Throwable)}).
 */
public class TransportException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what happened and what to do
     */
    public TransportException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying I/O failure, may be {@code null}
     */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
