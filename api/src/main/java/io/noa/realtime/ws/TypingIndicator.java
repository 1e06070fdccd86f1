package io.noa.realtime.ws;

import io.noa.realtime.internal.Args;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noa.realtime.Subscription;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The guide's {@code useTypingIndicator} for one room. {@link #startTyping()} sends
 * {@code typing:start} ({@code {"roomId":...}}) once, and again at most once per throttle
 * interval while the user keeps typing (so other members' expiry never fires during a long
 * burst); {@link #stopTyping()} sends {@code typing:stop}, and so does an idle timer when no
 * {@code startTyping()} came for the idle timeout. Typing signals are never buffered: while
 * disconnected they are dropped. Remote typers ({@code typing:start/stop} with {@code userId} for
 * this room) form a live set; each expires if its stop is lost. Thread-safe.
 */
public final class TypingIndicator implements AutoCloseable {
    /** The timings of a typing indicator. Immutable. */
    public static final class Timings {
        private static final Timings DEFAULTS = new Timings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5));
        private final Duration idleTimeout;
        private final Duration throttle;
        private final Duration remoteExpiry;

        private Timings(Duration idleTimeout, Duration throttle, Duration remoteExpiry) {
            this.idleTimeout = Args.positive(idleTimeout, "idleTimeout");
            this.throttle = Args.positive(throttle, "throttle");
            this.remoteExpiry = Args.positive(remoteExpiry, "remoteExpiry");
        }

        /**
         * Idle stop 3 s, throttle 2 s, remote expiry 5 s.
         *
         * @return the defaults
         */
        public static Timings defaults() {
            return DEFAULTS;
        }

        /**
         * Custom timings.
         *
         * @param idleTimeout send {@code typing:stop} after this long without {@code startTyping()}
         * @param throttle at most one {@code typing:start} per this interval
         * @param remoteExpiry drop a remote typer after this long without a new start
         * @return the timings
         */
        public static Timings of(Duration idleTimeout, Duration throttle, Duration remoteExpiry) {
            return new Timings(idleTimeout, throttle, remoteExpiry);
        }

        /**
         * The idle timeout.
         *
         * @return the duration
         */
        public Duration idleTimeout() {
            return idleTimeout;
        }

        /**
         * The throttle interval.
         *
         * @return the duration
         */
        public Duration throttle() {
            return throttle;
        }

        /**
         * The remote expiry.
         *
         * @return the duration
         */
        public Duration remoteExpiry() {
            return remoteExpiry;
        }
    }

    private final RealtimeClient client;
    private final String roomId;
    private final Timings timings;
    private final Subscription startSub;
    private final Subscription stopSub;
    private final CopyOnWriteArrayList<Consumer<? super Set<String>>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // local side, guarded by lock
    private boolean typing;
    private long lastStartSent;
    private ScheduledFuture<?> idleTimer;
    // remote side, only touched in the client's serial callback context
    private final Map<String, ScheduledFuture<?>> remote = new HashMap<>();
    private volatile Set<String> snapshot = Set.of();

    TypingIndicator(RealtimeClient client, String roomId, Timings timings) {
        this.client = client;
        this.roomId = roomId;
        this.timings = Objects.requireNonNull(timings, "timings");
        this.startSub = client.bus().on("typing:start", this::remoteStart);
        this.stopSub = client.bus().on("typing:stop", this::remoteStop);
    }

    /**
     * The room.
     *
     * @return the room id
     */
    public String roomId() {
        return roomId;
    }

    /** The user typed: sends {@code typing:start} unless sent within the throttle interval; re-arms the idle stop. */
    public void startTyping() {
        long now = System.nanoTime();
        boolean send;
        synchronized (lock) {
            send = !typing || now - lastStartSent >= timings.throttle().toNanos();
            typing = true;
            if (send) {
                lastStartSent = now;
            }
            if (idleTimer != null) {
                idleTimer.cancel(false);
            }
            idleTimer = client.transport().scheduler().schedule(this::stopTyping, timings.idleTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (send) {
            client.emitIfConnected("typing:start", payload());
        }
    }

    /** The user stopped: sends {@code typing:stop} if a start was sent. */
    public void stopTyping() {
        synchronized (lock) {
            if (!typing) {
                return;
            }
            typing = false;
            if (idleTimer != null) {
                idleTimer.cancel(false);
                idleTimer = null;
            }
        }
        client.emitIfConnected("typing:stop", payload());
    }

    /**
     * Whether this client is typing.
     *
     * @return true between start and (explicit or automatic) stop
     */
    public boolean isTyping() {
        synchronized (lock) {
            return typing;
        }
    }

    /**
     * The other users typing in this room.
     *
     * @return an immutable snapshot
     */
    public Set<String> typingUsers() {
        return snapshot;
    }

    /**
     * Called with the new set of remote typers after every change.
     *
     * @param listener receives the set
     * @return closing it removes the listener
     */
    public Subscription onChange(Consumer<? super Set<String>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /** Stops listening and cancels the timers (does not send {@code typing:stop}). */
    @Override
    public void close() {
        startSub.close();
        stopSub.close();
        synchronized (lock) {
            typing = false;
            if (idleTimer != null) {
                idleTimer.cancel(false);
            }
        }
        client.deliver(this::clearRemote);
        client.kick();
    }

    /** The link went down: local typing ends silently, remote typers are cleared. */
    void linkDown() {
        synchronized (lock) {
            typing = false;
            if (idleTimer != null) {
                idleTimer.cancel(false);
                idleTimer = null;
            }
        }
        client.deliver(this::clearRemote);
    }

    private void remoteStart(JsonNode data) {
        if (!roomId.equals(data.path("roomId").asText(null))) {
            return;
        }
        String user = data.path("userId").asText("");
        if (user.isEmpty()) {
            return;
        }
        java.util.concurrent.atomic.AtomicReference<ScheduledFuture<?>> self = new java.util.concurrent.atomic.AtomicReference<>();
        ScheduledFuture<?> expiry = client.transport().scheduler().schedule(() -> {
            client.deliver(() -> expire(user, self.get()));
            client.kick();
        }, timings.remoteExpiry().toMillis(), TimeUnit.MILLISECONDS);
        self.set(expiry);
        ScheduledFuture<?> old = remote.put(user, expiry);
        if (old != null) {
            old.cancel(false);
        } else {
            publish();
        }
    }

    private void remoteStop(JsonNode data) {
        if (!roomId.equals(data.path("roomId").asText(null))) {
            return;
        }
        ScheduledFuture<?> old = remote.remove(data.path("userId").asText(""));
        if (old != null) {
            old.cancel(false);
            publish();
        }
    }

    private void expire(String user, ScheduledFuture<?> fired) {
        if (fired != null && remote.remove(user, fired)) {
            publish();
        }
    }

    private void clearRemote() {
        if (!remote.isEmpty()) {
            remote.values().forEach(f -> f.cancel(false));
            remote.clear();
            publish();
        }
    }

    private void publish() {
        Set<String> s = Collections.unmodifiableSet(new LinkedHashSet<>(remote.keySet()));
        snapshot = s;
        listeners.forEach(l -> l.accept(s));
    }

    private ObjectNode payload() {
        ObjectNode n = client.options().codec().mapper().createObjectNode();
        n.put("roomId", roomId);
        return n;
    }
}
