package io.noa.realtime;

/**
 * The states of a connection, as in the guide's {@code ConnectionStatus}. Transitions are fixed
 * by {@link ConnectionStateMachine}.
 */
public enum ConnectionState {
    /** Not connected and not trying; {@code connect()} starts a connection. */
    DISCONNECTED,
    /** A first connection attempt is in progress. */
    CONNECTING,
    /** Connected and usable. */
    CONNECTED,
    /** The connection was lost; waiting for a backoff delay or attempting to reconnect. */
    RECONNECTING,
    /** Retries were exhausted or a non-retryable error happened. Terminal until {@code connect()}. */
    FAILED,
    /** Closed by the user. Terminal until {@code connect()}. */
    CLOSED;

    /**
     * Whether this state is {@link #CONNECTED}.
     *
     * @return true when connected
     */
    public boolean isConnected() {
        return this == CONNECTED;
    }

    /**
     * Whether this state ends activity until {@code connect()} is called again.
     *
     * @return true for {@link #FAILED} and {@link #CLOSED}
     */
    public boolean isTerminal() {
        return this == FAILED || this == CLOSED;
    }
}
