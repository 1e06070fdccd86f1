package io.noa.realtime;

import java.util.Objects;
import java.util.Optional;

/**
 * One transition of a {@link ConnectionStateMachine}. Immutable.
 */
public final class StateChange {
    private final ConnectionState from;
    private final ConnectionState to;
    private final Throwable cause;

    /**
     * Creates a state change.
     *
     * @param from the state before
     * @param to the state after
     * @param cause why the transition happened, or {@code null}
     */
    public StateChange(ConnectionState from, ConnectionState to, Throwable cause) {
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.cause = cause;
    }

    /**
     * The state before.
     *
     * @return the previous state
     */
    public ConnectionState from() {
        return from;
    }

    /**
     * The state after.
     *
     * @return the new state
     */
    public ConnectionState to() {
        return to;
    }

    /**
     * Why the transition happened (a network error, a timeout, ...).
     *
     * @return the cause, if any
     */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return from + " -> " + to + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
    }
}
