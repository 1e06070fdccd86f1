package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.Subscription;
import io.noa.realtime.internal.Futures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Room membership of a {@link RealtimeClient}. {@link #join} sends {@code room:join}
 * ({@code {"roomId":...}}) and completes on the server's acknowledgement; the client re-joins
 * every room after each reconnect, before it sends buffered emits. A join asked for while
 * disconnected completes after the next connect. After a reconnect that restored the previous
 * session (Socket.IO connection-state recovery, see {@link RealtimeClient#recovered()}) the server
 * still has the rooms, so only rooms whose join was not acknowledged yet are sent again: nobody
 * sees a second {@code room:join}. Other members' arrivals and departures arrive as
 * {@code room:join} / {@code room:leave} events with {@code userId} and {@code roomId}. Thread-safe.
 */
public final class Rooms {
    private final RealtimeClient client;
    private final Object lock = new Object();
    // guarded by lock
    private final Set<String> desired = new LinkedHashSet<>();
    private final Map<String, List<CompletableFuture<Void>>> waiting = new HashMap<>();
    /** Rooms whose join the server acknowledged in the current session (kept by a recovered reconnect). */
    private final Set<String> confirmed = new HashSet<>();
    /** The link joins go out on: set once its handshake is done, cleared when it drops. */
    private AckLedger.Link link;

    /** A member joined or left a room. */
    public static final class MemberEvent {
        private final String roomId;
        private final String userId;

        MemberEvent(String roomId, String userId) {
            this.roomId = roomId;
            this.userId = userId;
        }

        /**
         * The room.
         *
         * @return the room id
         */
        public String roomId() {
            return roomId;
        }

        /**
         * The member.
         *
         * @return the user id
         */
        public String userId() {
            return userId;
        }

        @Override
        public String toString() {
            return "MemberEvent{room=" + roomId + ", user=" + userId + '}';
        }
    }

    Rooms(RealtimeClient client) {
        this.client = client;
    }

    /**
     * Joins a room; remembered until {@link #leave}, re-joined after every reconnect.
     *
     * @param roomId the room
     * @return completes when the server acknowledged the join; fails with the server's refusal
     *     (the room is then forgotten), an {@link io.noa.realtime.AckTimeoutException}, or a
     *     {@link io.noa.realtime.ConnectionClosedException} (the room stays remembered)
     */
    public CompletableFuture<Void> join(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        CompletableFuture<Void> result = new CompletableFuture<>();
        AckLedger.Link l;
        synchronized (lock) {
            desired.add(roomId);
            l = link;
            if (l == null) {
                waiting.computeIfAbsent(roomId, k -> new ArrayList<>()).add(result);
                return result;
            }
        }
        sendJoin(l, roomId).whenComplete((v, e) -> finish(result, e));
        return result;
    }

    /**
     * Leaves a room.
     *
     * @param roomId the room
     * @return completes when the server acknowledged (at once when disconnected or not a member)
     */
    public CompletableFuture<Void> leave(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        CompletableFuture<Void> result = new CompletableFuture<>();
        boolean member;
        List<CompletableFuture<Void>> w;
        AckLedger.Link l;
        synchronized (lock) {
            member = desired.remove(roomId);
            confirmed.remove(roomId);
            w = waiting.remove(roomId);
            l = link;
        }
        if (w != null) {
            w.forEach(f -> f.cancel(false));
        }
        if (!member || l == null) {
            result.complete(null);
            return result;
        }
        client.ledger().sendOn(l, "room:leave", payload(roomId), true).whenComplete((v, e) -> finish(result, e));
        return result;
    }

    /**
     * The rooms this client is in (or will re-join on reconnect).
     *
     * @return an immutable snapshot, in join order
     */
    public Set<String> joined() {
        synchronized (lock) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(desired));
        }
    }

    /**
     * Called when another member joins one of the rooms.
     *
     * @param listener receives the room and user
     * @return closing it removes the listener
     */
    public Subscription onMemberJoined(Consumer<? super MemberEvent> listener) {
        return member("room:join", listener);
    }

    /**
     * Called when another member leaves one of the rooms.
     *
     * @param listener receives the room and user
     * @return closing it removes the listener
     */
    public Subscription onMemberLeft(Consumer<? super MemberEvent> listener) {
        return member("room:leave", listener);
    }

    private Subscription member(String event, Consumer<? super MemberEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return client.on(event, data -> listener.accept(new MemberEvent(data.path("roomId").asText(""),
                data.path("userId").asText(""))));
    }

    /** A link finished its handshake: re-join every remembered room on it, before buffered emits go out. */
    void linkUp(AckLedger.Link l) {
        linkUp(l, false);
    }

    /**
     * A link finished its handshake: join the remembered rooms on it, before buffered emits go out;
     * all of them on a new session, only the unconfirmed ones on a {@code restored} session.
     */
    void linkUp(AckLedger.Link l, boolean restored) {
        List<String> rooms;
        Map<String, List<CompletableFuture<Void>>> waiters;
        synchronized (lock) {
            if (!l.isOpen()) {
                return;
            }
            link = l;
            if (!restored) {
                confirmed.clear();
            }
            rooms = new ArrayList<>(desired);
            rooms.removeAll(confirmed);
            waiters = new HashMap<>(waiting);
            waiting.clear();
        }
        for (String room : rooms) {
            List<CompletableFuture<Void>> w = waiters.get(room);
            CompletableFuture<JsonNode> f = sendJoin(l, room);
            if (w != null) {
                f.whenComplete((v, e) -> w.forEach(r -> finish(r, e)));
            }
        }
    }

    /** The link {@code l} dropped ({@code null}: the client disconnected); joins wait for the next one. */
    void linkDown(AckLedger.Link l) {
        synchronized (lock) {
            if (l == null || link == l) {
                link = null;
            }
        }
    }

    private CompletableFuture<JsonNode> sendJoin(AckLedger.Link l, String room) {
        CompletableFuture<JsonNode> f = client.ledger().sendOn(l, "room:join", payload(room), true);
        f.whenComplete((v, e) -> {
            synchronized (lock) {
                if (e == null) {
                    if (desired.contains(room)) {
                        confirmed.add(room);
                    }
                } else if (isRefusal(e)) {
                    desired.remove(room);
                }
            }
        });
        return f;
    }

    private static boolean isRefusal(Throwable e) {
        Throwable t = Futures.unwrap(e);
        return t instanceof RealtimeException && !(t instanceof io.noa.realtime.AckTimeoutException)
                && !(t instanceof io.noa.realtime.ConnectionClosedException);
    }

    private static void finish(CompletableFuture<Void> f, Throwable e) {
        if (e == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(Futures.unwrap(e));
        }
    }

    private ObjectNode payload(String room) {
        ObjectNode n = client.options().codec().mapper().createObjectNode();
        n.put("roomId", room);
        return n;
    }
}
