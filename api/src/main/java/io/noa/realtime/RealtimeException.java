package io.noa.realtime;

/**
 * Root of every exception thrown or reported by noa-realtime. Unchecked.
 *
 * <p>Messages name the endpoint with credentials stripped and say what to do; they never contain
 * authorization headers, API keys or auth payloads.
 */
public class RealtimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what happened and what to do
     */
    public RealtimeException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure, may be {@code null}
     */
    public RealtimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
