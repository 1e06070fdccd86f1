package io.noa.realtime;

import java.time.Duration;
import java.util.Objects;

/** The connection (TCP, TLS and, for WebSocket, the handshake) did not complete in time. */
public class ConnectTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param target the endpoint, already redacted (credentials stripped)
     * @param timeout the timeout that elapsed
     */
    public ConnectTimeoutException(String target, Duration timeout) {
        super("Could not connect to " + target + " within " + timeout.toMillis()
                + " ms; check that the server is reachable or raise the connect timeout");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The connect timeout that elapsed.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
