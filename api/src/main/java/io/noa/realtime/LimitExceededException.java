package io.noa.realtime;

import java.util.Objects;

/**
 * A configured bound was exceeded: an SSE line or event larger than the maximum, too many pending
 * emits, too many queued chunks. The message names the setting to change.
 */
public class LimitExceededException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param what what grew too large, e.g. "SSE event"
     * @param setting the builder setting that controls the bound, e.g. "maxEventSize"
     * @param limit the bound in force
     */
    public LimitExceededException(String what, String setting, long limit) {
        super(what + " exceeds the limit of " + limit + "; raise '" + setting + "' if this is expected");
        this.setting = Objects.requireNonNull(setting, "setting");
        this.limit = limit;
    }

    /**
     * The name of the builder setting that controls this bound.
     *
     * @return the setting name
     */
    public String setting() {
        return setting;
    }

    /**
     * The bound that was exceeded.
     *
     * @return the limit
     */
    public long limit() {
        return limit;
    }
}
