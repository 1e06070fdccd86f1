package io.noa.realtime;

import java.time.Duration;

/** An acknowledgement did not arrive within its timeout. */
public class AckTimeoutException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    private final String event;

    /**
     * Creates the exception.
     *
     * @param event the event whose acknowledgement is missing
     * @param timeout the timeout that elapsed
     */
    public AckTimeoutException(String event, Duration timeout) {
        super("No acknowledgement for '" + event + "' within " + timeout.toMillis()
                + " ms; the server may not answer this event, or raise the ack timeout");
        this.event = event;
    }

    /**
     * The event whose acknowledgement is missing.
     *
     * @return the event name
     */
    public String event() {
        return event;
    }
}
