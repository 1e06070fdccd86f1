package io.noa.realtime.reactor;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.StateChange;

/**
 * Follows a client's state from a first reading: a change is applied only when it starts from
 * the last state seen, so notifications queued before the first reading do not move the view
 * backwards. Not thread-safe: callers hold a lock.
 */
final class StateChain {
    private ConnectionState last;

    StateChain(ConnectionState first) {
        this.last = first;
    }

    /** The new state if {@code change} continues the chain, else null. */
    ConnectionState next(StateChange change) {
        if (change.from() != last || change.to() == last) {
            return null;
        }
        last = change.to();
        return last;
    }
}
