package io.noa.realtime;

import static io.noa.realtime.ConnectionState.CLOSED;
import static io.noa.realtime.ConnectionState.CONNECTED;
import static io.noa.realtime.ConnectionState.CONNECTING;
import static io.noa.realtime.ConnectionState.DISCONNECTED;
import static io.noa.realtime.ConnectionState.FAILED;
import static io.noa.realtime.ConnectionState.RECONNECTING;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The connection state of one client, with an explicit transition table. Thread-safe and
 * lock-free: transitions are compare-and-set, so two threads racing to leave a state cannot both
 * win.
 *
 * <p>The allowed transitions:
 * <table>
 *   <caption>Transition table</caption>
 *   <tr><th>from</th><th>to</th></tr>
 *   <tr><td>DISCONNECTED</td><td>CONNECTING, CLOSED</td></tr>
 *   <tr><td>CONNECTING</td><td>CONNECTED, RECONNECTING, FAILED, DISCONNECTED, CLOSED</td></tr>
 *   <tr><td>CONNECTED</td><td>RECONNECTING, DISCONNECTED, FAILED, CLOSED</td></tr>
 *   <tr><td>RECONNECTING</td><td>CONNECTED, FAILED, DISCONNECTED, CLOSED</td></tr>
 *   <tr><td>FAILED</td><td>CONNECTING, CLOSED</td></tr>
 *   <tr><td>CLOSED</td><td>CONNECTING</td></tr>
 * </table>
 * A transition to the current state is never allowed. An illegal transition is rejected (with
 * an {@link IllegalStateException} from {@link #transitionTo}, or an empty result from
 * {@link #tryTransitionTo}) and not applied.
 *
 * <p>Listeners receive every {@link StateChange} exactly once, in the order the transitions
 * took effect, never concurrently. They run on the thread that made the transition (or on a
 * thread that is already delivering earlier changes), so they must not block. A listener that
 * throws is logged and does not affect the machine or the other listeners.
 */
public final class ConnectionStateMachine {
    private static final System.Logger LOG = System.getLogger(ConnectionStateMachine.class.getName());
    private static final Map<ConnectionState, Set<ConnectionState>> TABLE = table();

    private static Map<ConnectionState, Set<ConnectionState>> table() {
        Map<ConnectionState, Set<ConnectionState>> t = new EnumMap<>(ConnectionState.class);
        t.put(DISCONNECTED, EnumSet.of(CONNECTING, CLOSED));
        t.put(CONNECTING, EnumSet.of(CONNECTED, RECONNECTING, FAILED, DISCONNECTED, CLOSED));
        t.put(CONNECTED, EnumSet.of(RECONNECTING, DISCONNECTED, FAILED, CLOSED));
        t.put(RECONNECTING, EnumSet.of(CONNECTED, FAILED, DISCONNECTED, CLOSED));
        t.put(FAILED, EnumSet.of(CONNECTING, CLOSED));
        t.put(CLOSED, EnumSet.of(CONNECTING));
        t.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        return Collections.unmodifiableMap(t);
    }

    /** The current state and the sequence number of the transition that produced it. */
    private static final class Current {
        final ConnectionState state;
        final long seq;

        Current(ConnectionState state, long seq) {
            this.state = state;
            this.seq = seq;
        }
    }

    private final AtomicReference<Current> current;
    private final CopyOnWriteArrayList<Consumer<? super StateChange>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentSkipListMap<Long, StateChange> undelivered = new ConcurrentSkipListMap<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private long nextToDeliver = 1; // guarded by 'delivering'

    /** Creates a machine in {@link ConnectionState#DISCONNECTED}. */
    public ConnectionStateMachine() {
        this(DISCONNECTED);
    }

    /**
     * Creates a machine in the given state.
     *
     * @param initial the initial state
     */
    public ConnectionStateMachine(ConnectionState initial) {
        current = new AtomicReference<>(new Current(Objects.requireNonNull(initial, "initial"), 0));
    }

    /**
     * Whether the table allows a transition.
     *
     * @param from the state before
     * @param to the state after
     * @return true when {@code from -> to} is in the table
     */
    public static boolean isAllowed(ConnectionState from, ConnectionState to) {
        return TABLE.get(Objects.requireNonNull(from, "from")).contains(Objects.requireNonNull(to, "to"));
    }

    /**
     * The states reachable from a state in one transition.
     *
     * @param from the state
     * @return an unmodifiable set, empty for none
     */
    public static Set<ConnectionState> allowedFrom(ConnectionState from) {
        return TABLE.get(Objects.requireNonNull(from, "from"));
    }

    /**
     * The current state.
     *
     * @return the state
     */
    public ConnectionState state() {
        return current.get().state;
    }

    /**
     * Moves to {@code to} from whatever the current state is, if the table allows it.
     *
     * @param to the new state
     * @param cause why, or {@code null}
     * @return the change that was applied
     * @throws IllegalStateException if the table does not allow the transition from the current state
     */
    public StateChange transitionTo(ConnectionState to, Throwable cause) {
        return tryTransitionTo(to, cause).orElseThrow(() -> new IllegalStateException(
                "Illegal connection state transition " + state() + " -> " + to
                        + "; allowed from " + state() + ": " + allowedFrom(state())));
    }

    /**
     * Moves to {@code to} from whatever the current state is, if the table allows it.
     *
     * @param to the new state
     * @param cause why, or {@code null}
     * @return the change, or empty if the transition is not allowed from the current state
     */
    public Optional<StateChange> tryTransitionTo(ConnectionState to, Throwable cause) {
        Objects.requireNonNull(to, "to");
        while (true) {
            Current cur = current.get();
            if (!isAllowed(cur.state, to)) {
                return Optional.empty();
            }
            Current next = new Current(to, cur.seq + 1);
            if (current.compareAndSet(cur, next)) {
                StateChange change = new StateChange(cur.state, to, cause);
                publish(next.seq, change);
                return Optional.of(change);
            }
        }
    }

    /**
     * Moves from {@code expected} to {@code to} only if the current state is {@code expected}.
     *
     * @param expected the state the caller believes is current
     * @param to the new state
     * @param cause why, or {@code null}
     * @return true if the transition was applied; false if the state was not {@code expected}
     * @throws IllegalStateException if {@code expected -> to} is not in the table at all
     */
    public boolean compareAndTransition(ConnectionState expected, ConnectionState to, Throwable cause) {
        if (!isAllowed(expected, to)) {
            throw new IllegalStateException("Illegal connection state transition " + expected + " -> " + to
                    + "; allowed from " + expected + ": " + allowedFrom(expected));
        }
        while (true) {
            Current cur = current.get();
            if (cur.state != expected) {
                return false;
            }
            Current next = new Current(to, cur.seq + 1);
            if (current.compareAndSet(cur, next)) {
                publish(next.seq, new StateChange(expected, to, cause));
                return true;
            }
        }
    }

    /**
     * Registers a listener for every later transition.
     *
     * @param listener called once per change, in order, never concurrently
     * @return closing it removes the listener
     */
    public Subscription addListener(Consumer<? super StateChange> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void publish(long seq, StateChange change) {
        undelivered.put(seq, change);
        drain();
    }

    /*
     * Lock-free in-order delivery: whoever holds 'delivering' hands out changes in sequence
     * order. A change whose predecessor is not published yet waits for the thread publishing the
     * predecessor, which drains after putting it.
     */
    private void drain() {
        while (delivering.compareAndSet(false, true)) {
            try {
                StateChange next;
                while ((next = undelivered.remove(nextToDeliver)) != null) {
                    nextToDeliver++;
                    deliver(next);
                }
            } finally {
                delivering.set(false);
            }
            if (!undelivered.containsKey(nextToDeliver)) {
                return;
            }
        }
    }

    private void deliver(StateChange change) {
        for (Consumer<? super StateChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw (VirtualMachineError) e;
                }
                LOG.log(System.Logger.Level.WARNING, "Connection state listener threw on " + change, e);
            }
        }
    }

    @Override
    public String toString() {
        return "ConnectionStateMachine{" + state() + '}';
    }
}
