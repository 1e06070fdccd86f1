package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RealtimeException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every outbound event of a {@link RealtimeClient} and every acknowledgement it waits for, end to
 * end: the ack ids (unique over the client's life, a new one per try), the table of acks
 * awaiting an answer, their timers, the bounded buffer of emits made while no link is up, what
 * happens to pending acks when a link goes down (fail, or replay after the reconnect), and the
 * in-order flush once a link is up. A pending ack has exactly one owner, this class: it is
 * settled (answered, refused, timed out or failed) exactly once, under this class's lock, and its
 * future is completed afterwards through {@link Delivery}, never under a lock.
 *
 * <p>Frames leave in the order their emits were accepted here: they are queued under the lock and
 * written by one writer at a time after the lock is released, so the {@link Link} may take its own
 * lock without any lock-order cycle.
 *
 * <p>Retries (package-private for now; the Socket.IO client's {@code ackTimeout} +
 * {@code retries}, at least once): with {@code retries > 0} the application's acked emits wait in
 * a queue and one at a time is in flight; its timer starts when it is sent; when it times out it
 * is sent again with a new id, up to {@code retries} more times (see {@link #retryOrFail}); when
 * its link drops it is sent again after the reconnect; once it is answered or has failed, the next
 * one goes out ({@link #drainQueueLocked}).
 */
final class AckLedger {
    private static final System.Logger LOG = System.getLogger(AckLedger.class.getName());

    /** One WebSocket link as the ledger sees it. */
    interface Link {
        /**
         * Whether the link can still carry frames. Once false it stays false, and it turns false
         * before the ledger hears {@link #linkDown} for it.
         */
        boolean isOpen();

        /** Bytes queued in the transport, not yet written to the socket. */
        long queuedBytes();

        /**
         * How long the oldest frame handed to the transport and not yet written to the socket has
         * waited, in nanoseconds; 0 when nothing waits.
         */
        default long oldestQueuedNanos() {
            return 0;
        }

        /**
         * Encodes and sends an event; drops it silently if the link is closed by now. No ledger lock
         * is held. An event that cannot be sent (e.g. over a limit of the protocol) throws a
         * {@link RealtimeException} when {@code ackId >= 0}, which fails that emit; a plain emit's
         * error is reported by the link itself.
         */
        void write(String event, JsonNode data, long ackId);

        /** Encodes and sends the answer to the peer's event {@code ackId}. No ledger lock is held. */
        void writeAck(long ackId, JsonNode data);
    }

    /** Where futures are completed: a serial queue run outside every lock. */
    interface Delivery {
        /** Queues a task; may be called under a lock. */
        void deliver(Runnable task);

        /** Runs what is queued; never called under a lock. */
        void kick();
    }

    /** An emit, buffered or sent. All fields except the finals are guarded by the ledger's lock. */
    static final class Entry {
        final String event;
        final JsonNode data;
        /** Completed with the answer; {@code null} for a plain emit. */
        final CompletableFuture<JsonNode> answer;
        /** Sent by the client itself (room join/leave, presence): never buffered, never replayed. */
        final boolean internal;
        /** Waits in the retry queue, one in flight at a time (retries configured). */
        final boolean queued;
        final Duration timeout;
        /** The id of the current try, {@code -1} while buffered. */
        long id = -1;
        /** The link the current try went out on. */
        Link link;
        /** When the current try times out ({@link System#nanoTime()}); meaningful while in {@code armed}. */
        long deadline;
        /** Counts tries. */
        int attempt;
        int triesLeft;
        boolean settled;
        /** Orders entries with the same deadline in {@code armed}. */
        final long seq = SEQUENCE.incrementAndGet();

        Entry(String event, JsonNode data, CompletableFuture<JsonNode> answer, boolean internal, Duration timeout,
                int retries) {
            this.event = event;
            this.data = data;
            this.answer = answer;
            this.internal = internal;
            this.timeout = timeout;
            this.triesLeft = retries;
            this.queued = retries > 0 && answer != null && !internal;
        }
    }

    private final Object lock = new Object();
    private final ScheduledExecutorService scheduler;
    private final Delivery delivery;
    private final Supplier<ConnectionState> state;
    private final String target;
    private final int maxBuffered;
    private final long maxQueuedBytes;
    private final boolean replayAcks;
    private final int retries;
    private final Duration internalTimeout;
    /** Writes frames in the order they were queued under the lock, one writer at a time, no lock held. */
    private final FrameWriter writer = new FrameWriter();

    // guarded by lock
    private Link link;
    private long nextId;
    private long settledCount;
    private long droppedVolatile;
    private final ArrayDeque<Entry> buffer = new ArrayDeque<>();
    private final Map<Long, Entry> pending = new HashMap<>();
    /** Acked emits with retries, in order; only the head may be in flight. */
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    /**
     * Entries whose current try has a running timeout. One timer (the sweep) serves them all, armed
     * for the earliest deadline: an emit whose deadline is not the earliest (the usual case, every
     * emit with the same timeout) schedules nothing and an answer cancels nothing, so an ack costs
     * the scheduler no task and no wake-up (before, each ack scheduled and cancelled its own timer).
     * Ordered by deadline, so a sweep touches only the tries that are due: it looked at every armed
     * try before, and under a flood of unanswered acks (hundreds of thousands armed) the sweep held
     * the lock so long that emits and answers queued behind it and more acks timed out (issue 17,
     * defect 14, a 60 s flood on the JDK transport). An entry's deadline changes only while it is
     * out of the set.
     */
    private final java.util.TreeSet<Entry> armed = new java.util.TreeSet<>(AckLedger::byDeadline);
    /** Numbers entries for {@link #byDeadline}. */
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    /** The least time between two timeout sweeps: an ack may time out up to this much late, never early. */
    static final long SWEEP_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private ScheduledFuture<?> sweep;
    /** The deadline {@link #sweep} is armed for. */
    private long sweepAt;
    /** Which sweep is current: a cancelled one that runs anyway does nothing. */
    private long sweepGeneration;

    /**
     * @param scheduler runs the ack timers
     * @param delivery completes futures outside every lock
     * @param state the client's state: emits are refused when {@code CLOSED} or {@code FAILED}
     * @param target the redacted URL for messages
     * @param maxBuffered bound of the offline buffer
     * @param maxQueuedBytes bound of the transport's send queue for a direct write
     * @param replayAcks re-send pending acks after a reconnect instead of failing them
     * @param retries extra tries of an ack that timed out, each with a new id (0: none)
     * @param internalTimeout ack timeout of the client's own emits (room joins)
     */
    AckLedger(ScheduledExecutorService scheduler, Delivery delivery, Supplier<ConnectionState> state, String target,
            int maxBuffered, long maxQueuedBytes, boolean replayAcks, int retries, Duration internalTimeout) {
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.state = state;
        this.target = target;
        this.maxBuffered = maxBuffered;
        this.maxQueuedBytes = maxQueuedBytes;
        this.replayAcks = replayAcks;
        this.retries = retries;
        this.internalTimeout = internalTimeout;
    }

    static AckLedger of(RealtimeOptions options, ScheduledExecutorService scheduler, Delivery delivery,
            Supplier<ConnectionState> state, String target) {
        return new AckLedger(scheduler, delivery, state, target, options.maxPendingEmits(), options.maxQueuedBytes(),
                options.resendAcksOnReconnect(), options.retries(), options.defaultAckTimeout());
    }

    // ------------------------------------------------------------------ emits

    /** A plain emit: written now if a link is up, else buffered. */
    void emit(String event, JsonNode data) {
        submit(new Entry(event, data, null, false, null, 0));
    }

    /**
     * An acknowledged emit; the timeout counts from now, buffered time included (with retries:
     * per try, from the moment the try is sent).
     */
    CompletableFuture<JsonNode> emitWithAck(String event, JsonNode data, Duration timeout) {
        Entry e = new Entry(event, data, new CompletableFuture<>(), false, timeout, retries);
        submit(e);
        return e.answer;
    }

    private void submit(Entry e) {
        try {
            submitLocked(e);
        } finally {
            writer.kick();
        }
    }

    private void submitLocked(Entry e) {
        synchronized (lock) {
            ConnectionState s = state.get();
            if (s == ConnectionState.CLOSED || s == ConnectionState.FAILED) {
                throw new ConnectionClosedException("Cannot emit '" + e.event + "': the client is " + s
                        + "; call connect() first");
            }
            if (e.queued) {
                if (buffer.size() + queue.size() >= maxBuffered) {
                    throw new LimitExceededException("Acknowledged emits waiting to be sent", "maxPendingEmits",
                            maxBuffered);
                }
                queue.addLast(e);
                drainQueueLocked();
                return;
            }
            Link l = link;
            if (l != null && l.isOpen()) {
                if (l.queuedBytes() > maxQueuedBytes) {
                    throw new LimitExceededException("WebSocket send queue", "maxQueuedBytes", maxQueuedBytes);
                }
                if (e.answer != null) {
                    refuseIfTooLateLocked(l, e);
                }
                sendLocked(l, e);
            } else {
                if (buffer.size() >= maxBuffered) {
                    throw new LimitExceededException("Buffered emits while disconnected", "maxPendingEmits",
                            maxBuffered);
                }
                buffer.addLast(e);
            }
            if (e.answer != null) {
                armLocked(e);
            }
        }
    }

    /**
     * Under lock: an acked emit is refused at the call, with a typed error, when the transport's
     * send queue already holds a frame that has waited half of this emit's ack timeout: a frame
     * queued behind it would most likely time out before it is even written (issue 17, defect 14).
     * Refusing it now tells the caller to slow down; accepting it would only turn it into an
     * {@link AckTimeoutException} later, with the frame still unsent.
     */
    private void refuseIfTooLateLocked(Link l, Entry e) {
        long waited = l.oldestQueuedNanos();
        long budget = e.timeout.toNanos() / 2;
        if (waited > 0 && waited >= budget) {
            throw new LimitExceededException("Acknowledged emit '" + e.event + "' refused: the oldest frame in the"
                    + " WebSocket send queue to " + target + " has waited " + TimeUnit.NANOSECONDS.toMillis(waited)
                    + " ms unsent, so this one would likely time out before it is written; emit more slowly, or"
                    + " give acks more time (the timeout of emitWithAck). The wait", "defaultAckTimeout",
                    TimeUnit.NANOSECONDS.toMillis(budget));
        }
    }

    /** Under lock: sends the head of the retry queue unless it is in flight already or no link is up. */
    private void drainQueueLocked() {
        Link l = link;
        if (l == null || !l.isOpen()) {
            return;
        }
        for (Entry head; (head = queue.peekFirst()) != null; ) {
            if (head.id >= 0) {
                return; // in flight
            }
            if (head.answer.isDone()) { // cancelled by the application
                queue.pollFirst();
                dropCancelled(head);
                continue;
            }
            sendLocked(l, head);
            armLocked(head);
            return;
        }
    }

    /**
     * A volatile emit: written only if a link is up and its transport queue is under
     * {@code maxQueuedBytes}; otherwise dropped (never buffered) and counted.
     */
    boolean emitVolatile(String event, JsonNode data) {
        synchronized (lock) {
            Link l = link;
            if (l == null || !l.isOpen() || l.queuedBytes() > maxQueuedBytes) {
                droppedVolatile++;
                return false;
            }
            writer.enqueue(() -> l.write(event, data, -1));
        }
        writer.kick();
        return true;
    }

    /** Volatile emits dropped so far. */
    long droppedVolatile() {
        synchronized (lock) {
            return droppedVolatile;
        }
    }

    /** An ephemeral signal (typing): written only if a link is up right now. */
    boolean emitIfConnected(String event, JsonNode data) {
        synchronized (lock) {
            Link l = link;
            if (l == null || !l.isOpen()) {
                return false;
            }
            writer.enqueue(() -> l.write(event, data, -1));
        }
        writer.kick();
        return true;
    }

    /**
     * The client's own emit on a given link, also during the handshake before {@link #linkUp}
     * (room re-joins, presence). Never buffered; an ack wanted here fails when the link drops.
     */
    CompletableFuture<JsonNode> sendOn(Link l, String event, JsonNode data, boolean ack) {
        Entry e = new Entry(event, data, ack ? new CompletableFuture<>() : null, true, internalTimeout, 0);
        synchronized (lock) {
            if (!l.isOpen()) {
                if (ack) {
                    settleLocked(e, null, new ConnectionClosedException("The connection to " + target
                            + " closed before '" + event + "' was sent"));
                }
            } else {
                sendLocked(l, e);
                if (ack) {
                    armLocked(e);
                }
            }
        }
        writer.kickWithoutWaiting();
        delivery.kick();
        return ack ? e.answer : CompletableFuture.completedFuture(null);
    }

    /** Answers the peer's event {@code ackId} on the link it came from. */
    void answer(Link l, long ackId, JsonNode data) {
        writer.enqueue(() -> l.writeAck(ackId, data));
        writer.kickWithoutWaiting();
    }

    /** Under lock: a new id for this try, into the pending table, and the write queued. */
    private void sendLocked(Link l, Entry e) {
        long id = -1;
        if (e.answer != null) {
            id = nextId++;
            e.id = id;
            e.link = l;
            pending.put(id, e);
        }
        long ackId = id;
        writer.enqueue(() -> write(l, e, ackId));
    }

    /**
     * Runs on the writer, no lock held. A message the link refuses to encode (over a limit of the
     * protocol) fails that try's acknowledgement with the link's error at once.
     */
    private void write(Link l, Entry e, long ackId) {
        try {
            l.write(e.event, e.data, ackId);
        } catch (RealtimeException err) {
            synchronized (lock) {
                if (!e.settled && e.id == ackId) {
                    settleLocked(e, null, err);
                }
            }
            delivery.kick();
        }
    }

    /** Under lock: the current try of {@code e} times out after {@code e.timeout} from now. */
    private void armLocked(Entry e) {
        armed.remove(e); // before its deadline changes: the set is ordered by it
        e.deadline = System.nanoTime() + e.timeout.toNanos();
        armed.add(e);
        if (sweep == null || e.deadline - sweepAt < 0) {
            scheduleSweepLocked(e.deadline);
        }
    }

    /** Orders {@code armed}: earliest deadline first ({@link System#nanoTime()} differences), then creation order. */
    private static int byDeadline(Entry a, Entry b) {
        long d = a.deadline - b.deadline;
        return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(a.seq, b.seq);
    }

    private void scheduleSweepLocked(long at) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        long generation = ++sweepGeneration;
        sweepAt = at;
        sweep = scheduler.schedule(() -> sweep(generation), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ answers and timers

    /** An acknowledgement arrived; one for an id that is not pending (answered late, or twice) is ignored. */
    void ackReceived(long id, JsonNode data, RealtimeException error) {
        synchronized (lock) {
            Entry e = pending.get(id);
            if (e == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "Ignoring acknowledgement " + id + " with no pending emit");
                return;
            }
            settleLocked(e, data, error);
        }
        writer.kickWithoutWaiting(); // with retries, the next queued ack goes out
        delivery.kick();
    }

    /** The timer: every try whose deadline has passed times out, oldest first; then it re-arms for the next. */
    private void sweep(long generation) {
        synchronized (lock) {
            if (generation != sweepGeneration) {
                return; // replaced by a sweep for an earlier deadline
            }
            sweep = null;
            long now = System.nanoTime();
            List<Entry> due = new ArrayList<>();
            for (Entry first; (first = armed.isEmpty() ? null : armed.first()) != null && first.deadline - now <= 0; ) {
                due.add(armed.pollFirst()); // oldest deadline first
            }
            for (Entry e : due) {
                if (!e.settled) {
                    retryOrFail(e); // a retry arms its next try
                }
            }
            boolean more = !armed.isEmpty();
            long next = more ? armed.first().deadline : 0;
            if (more && (sweep == null || next - sweepAt < 0)) {
                // not sooner than SWEEP_SLACK_NANOS from now: with many tries whose deadlines follow each
                // other closely, one sweep (and one timer task) per deadline would keep the lock busy
                long notBefore = now + SWEEP_SLACK_NANOS;
                scheduleSweepLocked(next - notBefore < 0 ? notBefore : next);
            }
        }
        writer.kickWithoutWaiting();
        delivery.kick();
    }

    /**
     * Under lock: the current try of {@code e} timed out. The one place that decides between
     * another try (a new id, sent now or after the reconnect) and an {@link AckTimeoutException}.
     */
    private void retryOrFail(Entry e) {
        if (e.triesLeft <= 0 || !e.queued) {
            settleLocked(e, null, new AckTimeoutException(e.event, e.timeout));
            return;
        }
        e.triesLeft--;
        e.attempt++;
        if (e.id >= 0) {
            pending.remove(e.id, e);
            e.id = -1;
            e.link = null;
        }
        drainQueueLocked(); // the same entry, still at the head of the queue, goes out again with a new id
    }

    /** Under lock: the outcome is decided here, exactly once; the future is completed later, outside the lock. */
    private void settleLocked(Entry e, JsonNode value, Throwable error) {
        if (e.settled) {
            return;
        }
        e.settled = true;
        settledCount++;
        if (e.id >= 0) {
            pending.remove(e.id, e);
        } else if (!e.internal && !e.queued) {
            buffer.remove(e);
        }
        armed.remove(e);
        if (e.queued && queue.remove(e)) {
            drainQueueLocked(); // the next one goes out
        }
        CompletableFuture<JsonNode> f = e.answer;
        delivery.deliver(() -> {
            if (error == null) {
                f.complete(value);
            } else {
                f.completeExceptionally(error);
            }
        });
    }

    // ------------------------------------------------------------------ the link

    /** A link finished its handshake: it carries emits from now on, starting with the buffer, in order. */
    void linkUp(Link l) {
        synchronized (lock) {
            if (!l.isOpen()) {
                return;
            }
            link = l;
            for (Entry e; (e = buffer.pollFirst()) != null; ) {
                if (e.answer != null && e.answer.isDone()) {
                    dropCancelled(e);
                    continue;
                }
                sendLocked(l, e);
            }
            drainQueueLocked();
        }
        writer.kickWithoutWaiting();
    }

    /**
     * A link went down ({@code l} is closed by now): acks that went out on it fail with
     * {@link ConnectionClosedException}, or go back to the front of the buffer in their original
     * order to be replayed after the reconnect (see {@link #replays}).
     */
    void linkDown(Link l, String reason, Throwable cause) {
        synchronized (lock) {
            if (link == l) {
                link = null;
            }
            if (l == null || pending.isEmpty()) {
                return;
            }
            List<Entry> sentOnIt = new ArrayList<>();
            for (Entry e : pending.values()) {
                if (e.link == l) {
                    sentOnIt.add(e);
                }
            }
            sentOnIt.sort((a, b) -> Long.compare(b.id, a.id));
            ConnectionClosedException error = null;
            for (Entry e : sentOnIt) {
                if (e.queued) { // stays at the head of the queue; sent again with a new id after the reconnect
                    pending.remove(e.id, e);
                    e.id = -1;
                    e.link = null;
                    e.attempt++;
                    armed.remove(e); // its next try arms again when it is sent
                } else if (replays(e) && !e.answer.isDone()) {
                    pending.remove(e.id, e);
                    e.id = -1;
                    e.link = null;
                    buffer.addFirst(e);
                } else {
                    if (error == null) {
                        error = new ConnectionClosedException("The connection to " + target
                                + " closed before the acknowledgement arrived (" + reason + ")", cause);
                    }
                    settleLocked(e, null, error);
                }
            }
        }
        delivery.kick();
    }

    /** Whether an ack pending when its link drops is sent again after the reconnect (queued ones always are). */
    private boolean replays(Entry e) {
        return !e.internal && replayAcks;
    }

    /** The application disconnected: every ack fails, buffered plain emits are dropped. */
    void close(RealtimeException error) {
        synchronized (lock) {
            link = null;
            for (Entry e : new ArrayList<>(pending.values())) {
                settleLocked(e, null, error);
            }
            List<Entry> buffered = new ArrayList<>(buffer);
            buffered.addAll(queue);
            buffer.clear();
            queue.clear();
            for (Entry e : buffered) {
                if (e.answer != null) {
                    settleLocked(e, null, error);
                }
            }
            armed.clear();
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
        }
        delivery.kick();
    }

    private void dropCancelled(Entry e) {
        e.settled = true;
        armed.remove(e);
    }

    // ------------------------------------------------------------------ views

    /** Emits buffered while no link is up. */
    int buffered() {
        synchronized (lock) {
            Entry head = queue.peekFirst();
            return buffer.size() + queue.size() - (head != null && head.id >= 0 ? 1 : 0);
        }
    }

    /** Acks awaiting an answer plus buffered emits (for tests). */
    int outstanding() {
        synchronized (lock) {
            return pending.size() + buffer.size() + queue.size();
        }
    }

    /** How many acks were settled so far (for tests: each exactly once). */
    long settledCount() {
        synchronized (lock) {
            return settledCount;
        }
    }
}
