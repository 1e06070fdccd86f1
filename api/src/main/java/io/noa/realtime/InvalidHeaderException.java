package io.noa.realtime;

import java.util.Objects;

/**
 * A header value (an API key, a bearer token, a header from a supplier, a {@code Last-Event-ID})
 * holds a character HTTP cannot send: a control character such as CR or LF, DEL, or a character
 * above U+00FF. The message names the header and the position of the character, never the value,
 * which is often a credential. Not retryable: the configuration has to change.
 */
public class InvalidHeaderException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    private final String headerName;

    /**
     * Creates the exception.
     *
     * @param headerName the header's name
     * @param message what is wrong and what to change; must not contain the value
     */
    public InvalidHeaderException(String headerName, String message) {
        super(message);
        this.headerName = Objects.requireNonNull(headerName, "headerName");
    }

    /**
     * The name of the header whose value was refused.
     *
     * @return the header name
     */
    public String headerName() {
        return headerName;
    }
}
