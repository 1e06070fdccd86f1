package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noa.realtime.Subscription;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who is online, as the server relays it. {@link #update} sends {@code presence:update}
 * ({@code {"status":...,"metadata":...}}) and remembers it: after every reconnect the client sends
 * it again. Inbound {@code presence:update} events ({@code {"userId","status","metadata","lastSeen"}})
 * keep a live map, cleared when the link goes down (the server sends fresh state after the
 * reconnect). Change listeners receive immutable snapshots, serially. Thread-safe.
 */
public final class Presence {
    private final RealtimeClient client;
    private final CopyOnWriteArrayList<Consumer<? super Map<String, Entry>>> listeners = new CopyOnWriteArrayList<>();
    // only touched from the client's serial callback context
    private final Map<String, Entry> users = new LinkedHashMap<>();
    private volatile Map<String, Entry> snapshot = Map.of();
    private final Object lock = new Object();
    // guarded by lock
    private JsonNode own;
    private AckLedger.Link link;

    /** The presence of one user. Immutable. */
    public static final class Entry {
        private final String userId;
        private final String status;
        private final JsonNode metadata;
        private final Instant lastSeen;

        Entry(String userId, String status, JsonNode metadata, Instant lastSeen) {
            this.userId = userId;
            this.status = status;
            this.metadata = metadata;
            this.lastSeen = lastSeen;
        }

        /**
         * The user.
         *
         * @return the user id
         */
        public String userId() {
            return userId;
        }

        /**
         * The status, e.g. {@code "online"}, {@code "away"}.
         *
         * @return the status
         */
        public String status() {
            return status;
        }

        /**
         * Free-form metadata the user published.
         *
         * @return the metadata (JSON null when none)
         */
        public JsonNode metadata() {
            return metadata;
        }

        /**
         * When the server last saw the user (or when this client received the update).
         *
         * @return the instant
         */
        public Instant lastSeen() {
            return lastSeen;
        }

        /**
         * The user, status and an excerpt of the metadata (at most 200
         * characters, control characters replaced), for logs.
         *
         * @return e.g. {@code Presence.Entry{alice=online, metadata={"device":"laptop"}}}
         */
        @Override
        public String toString() {
            String meta = metadata == null || metadata.isMissingNode() || metadata.isNull() ? "{}"
                    : io.noa.realtime.internal.Redaction.excerpt(metadata.toString());
            return "Presence.Entry{" + userId + "=" + status + ", metadata=" + meta + '}';
        }
    }

    Presence(RealtimeClient client) {
        this.client = client;
        client.bus().on("presence:update", this::received);
    }

    /**
     * Publishes this client's status, now if connected and again after every reconnect.
     *
     * @param status e.g. {@code "online"}
     * @param metadata any value the codec can serialize, or {@code null}
     */
    public void update(String status, Object metadata) {
        Objects.requireNonNull(status, "status");
        ObjectNode n = client.options().codec().mapper().createObjectNode();
        n.put("status", status);
        n.set("metadata", client.options().codec().encode(metadata));
        AckLedger.Link l;
        synchronized (lock) {
            own = n;
            l = link;
        }
        if (l != null) {
            client.ledger().sendOn(l, "presence:update", n, false);
        }
    }

    /**
     * The users currently known.
     *
     * @return an immutable snapshot keyed by user id
     */
    public Map<String, Entry> users() {
        return snapshot;
    }

    /**
     * One user's presence.
     *
     * @param userId the user
     * @return the entry, if known
     */
    public Optional<Entry> get(String userId) {
        return Optional.ofNullable(snapshot.get(userId));
    }

    /**
     * Called with a new snapshot after every change.
     *
     * @param listener receives the whole map
     * @return closing it removes the listener
     */
    public Subscription onChange(Consumer<? super Map<String, Entry>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    private void received(JsonNode data) {
        String user = data.path("userId").asText("");
        if (user.isEmpty()) {
            client.protocolError(new io.noa.realtime.ProtocolException("presence:update without userId: "
                    + io.noa.realtime.internal.Redaction.excerpt(data.toString())));
            return;
        }
        JsonNode seen = data.get("lastSeen");
        Instant lastSeen = seen != null && seen.canConvertToLong() ? Instant.ofEpochMilli(seen.asLong()) : Instant.now();
        users.put(user, new Entry(user, data.path("status").asText(""), data.path("metadata").deepCopy(), lastSeen));
        publish();
    }

    private void publish() {
        Map<String, Entry> s = Collections.unmodifiableMap(new LinkedHashMap<>(users));
        snapshot = s;
        listeners.forEach(l -> l.accept(s));
    }

    /** A link finished its handshake: send this client's status on it again. */
    void linkUp(AckLedger.Link l) {
        JsonNode n;
        synchronized (lock) {
            if (!l.isOpen()) {
                return;
            }
            link = l;
            n = own;
        }
        if (n != null) {
            client.ledger().sendOn(l, "presence:update", n, false);
        }
    }

    /**
     * The link {@code l} dropped ({@code null}: the client disconnected): the map is cleared after
     * the callbacks already queued (the server sends fresh state after the reconnect).
     */
    void linkDown(AckLedger.Link l) {
        synchronized (lock) {
            if (l == null || link == l) {
                link = null;
            }
        }
        client.deliver(() -> {
            if (!users.isEmpty()) {
                users.clear();
                publish();
            }
        });
    }
}
