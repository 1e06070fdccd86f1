package io.noa.realtime;

import io.noa.realtime.internal.Redaction;

/**
 * The bytes of a stream do not follow its format (for example a response that is not
 * {@code text/event-stream}, or a chunk that is not JSON where JSON is required).
 */
public class StreamFormatException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    private final String excerpt;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and what to do
     * @param excerpt the offending input, shortened; never contains credentials
     */
    public StreamFormatException(String message, String excerpt) {
        super(message + (excerpt == null || excerpt.isEmpty() ? "" : ": " + Redaction.excerpt(excerpt)));
        this.excerpt = excerpt == null ? "" : Redaction.excerpt(excerpt);
    }

    /**
     * The offending input, shortened to at most 200 characters.
     *
     * @return the excerpt, possibly empty
     */
    public String excerpt() {
        return excerpt;
    }
}
