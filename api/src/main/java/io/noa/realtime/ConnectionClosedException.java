package io.noa.realtime;

/**
 * An operation could not complete because the connection closed first: a pending acknowledgement
 * when the link dropped, an emit after {@code close()}, a stream cancelled by the user.
 */
public class ConnectionClosedException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not complete and why
     */
    public ConnectionClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what could not complete and why
     * @param cause why the connection closed
     */
    public ConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
