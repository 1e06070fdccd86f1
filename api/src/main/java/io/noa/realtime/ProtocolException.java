package io.noa.realtime;

/** The peer broke the wire protocol (an undecodable frame, an unknown packet type, ...). */
public class ProtocolException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong
     */
    public ProtocolException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong
     * @param cause the decoding failure
     */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
