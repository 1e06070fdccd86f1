package io.noa.realtime;

import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP request ran out of time waiting for its answer: the response head did not arrive within
 * the response-head timeout (a server that accepted the connection and never answered, or sends
 * its head one byte at a time), or a chat request did not end within its total deadline (a body
 * trickled forever). The connection has been closed. Retryable, like every
 * {@link TransportException}; a chat stream retries a missing head (per its policy) but never a
 * request that already received its head.
 */
public class ResponseTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;
    private final String setting;

    /**
     * Creates the exception.
     *
     * @param target the URL, already redacted
     * @param what what did not arrive in time, e.g. {@code "No response head"}
     * @param timeout the timeout that elapsed
     * @param setting the builder setting that controls it, e.g.
     *     {@code "SseClientOptions.Builder.responseHeadTimeout"}
     */
    public ResponseTimeoutException(String target, String what, Duration timeout, String setting) {
        super(what + " from " + target + " within " + Objects.requireNonNull(timeout, "timeout").toMillis()
                + " ms; the connection was closed. Check the server, or raise " + setting);
        this.timeout = timeout;
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /**
     * The timeout that elapsed.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The builder setting that controls this timeout.
     *
     * @return e.g. {@code "StreamingChat.Builder.responseHeadTimeout"}
     */
    public String setting() {
        return setting;
    }
}
