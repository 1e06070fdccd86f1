package io.noa.realtime.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.Redact;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one Engine.IO connection of a {@link SocketIoManager}, shared by its namespaces. Each
 * namespace's {@code RealtimeClient} sees a {@link WebSocketSession} of its own (a {@link Member});
 * behind them is one real WebSocket ({@link Link}), opened by the first namespace that connects
 * and closed when the last one leaves.
 *
 * <p>What the link does for all of them, once: it answers the server's Engine.IO pings (the pongs
 * the namespaces' sessions write are dropped), watches the link's liveness
 * ({@code pingInterval + pingTimeout} without a frame kills it) and reads with demand. What it
 * hands each member: the Engine.IO open packet first (so the member's Socket.IO session sends its
 * own CONNECT with its own auth), the server's pings (so the member's own watch stays fed), and
 * the Socket.IO packets of its namespace (binary attachments follow their packet). A member that
 * leaves the link open without having said goodbye (an {@code abort()}, or a close before its
 * CONNECT was answered) while the server has or may still accept its namespace gets a DISCONNECT
 * packet sent on its behalf, so the server does not keep a socket nobody reads.
 *
 * <p>Binary packets: the server reads one Socket.IO packet at a time per connection, so the text
 * frame of a BINARY_EVENT / BINARY_ACK and its attachment frames must reach it back to back, with
 * no frame of another namespace between them (socket.io-parser closes the whole connection
 * otherwise). A member therefore holds such a text frame until its announced attachments were
 * handed to it, and then writes them all at once under the link's send lock, which every other
 * write to the link (each member's text frames, the link's pongs and goodbyes) takes too. Inbound,
 * the binary frames that follow a packet go to the member of that packet's namespace.
 *
 * <p>Threads: one lock guards all state; the members' listener callbacks run serially, in order,
 * through one queue drained outside the lock by whichever thread fed it (a transport I/O thread,
 * or a thread asking for demand). One namespace that stops reading stops the link for all (it is
 * one TCP connection), as with the reference client. Lock order: a link's send lock may be held
 * while taking the state lock, never the reverse (no send is issued under the state lock).
 */
final class SharedLink {
    private static final System.Logger LOG = System.getLogger(SharedLink.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transport transport;
    private final Object lock = new Object();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    // guarded by lock
    private Link current;
    private boolean closed;
    private int opened;

    SharedLink(Transport transport) {
        this.transport = transport;
    }

    /**
     * Attaches one namespace's client: to the current link, or to a new one opened now. Follows
     * {@link io.noa.realtime.spi.WebSocketConnector#connect}'s contract.
     */
    CompletableFuture<WebSocketSession> attach(String nsp, URI uri, Headers headers, Duration timeout,
            WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        Member m = new Member(nsp, listener);
        Link l;
        boolean open = false;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "The SocketIoManager is closed: build a new one to connect namespace '" + nsp + "'"));
            }
            l = current;
            if (l == null || l.ended) {
                l = new Link(uri, headers, timeout);
                current = l;
                opened++;
                open = true;
            }
            for (Member other : l.members) {
                if (other.nsp.equals(nsp)) {
                    return CompletableFuture.failedFuture(new RealtimeException("Namespace '" + nsp
                            + "' already has a client on this Socket.IO link: build one RealtimeClient per namespace"
                            + " from a SocketIoManager (use a second manager for a second connection)"));
                }
            }
            m.link = l;
            m.attached = true;
            l.members.add(m);
            if (l.session != null) {
                l.welcome(m);
            }
        }
        m.opened.whenComplete((s, e) -> {
            if (e != null) { // cancelled by its client (e.g. its connect timeout), or the link failed to open
                detach(m, false, 1000, "");
            }
        });
        if (open) {
            l.open();
        }
        drain();
        return m.opened;
    }

    /** Closes the current link (its members see a transport error) and refuses new attachments. */
    void close() {
        Link l;
        synchronized (lock) {
            closed = true;
            l = current;
            current = null;
        }
        if (l != null) {
            l.end(new ConnectionClosedException("The SocketIoManager of " + l.target + " was closed"), true);
        }
    }

    /** How many links were opened so far. */
    int linksOpened() {
        synchronized (lock) {
            return opened;
        }
    }

    /** Whether a link is open or opening now. */
    boolean hasLink() {
        synchronized (lock) {
            return current != null && !current.ended;
        }
    }

    /** A member leaves; the last one closes the link ({@code polite}: close frame, else abort). */
    private CompletableFuture<Void> detach(Member m, boolean polite, int code, String reason) {
        Link l;
        boolean goodbye;
        boolean last;
        WebSocketSession s;
        synchronized (lock) {
            if (!m.attached) {
                return CompletableFuture.completedFuture(null);
            }
            l = m.link;
            m.attached = false;
            m.inbox.clear();
            l.members.remove(m);
            last = l.members.isEmpty() && !l.ended;
            // the link stays: a namespace the server has (or is about to have) must not be left behind
            goodbye = !last && !l.ended && m.connectSent && !m.byeSent && !m.serverEnded;
            if (last) {
                l.ended = true;
                l.cancelLiveness();
                if (current == l) {
                    current = null;
                }
            }
            s = l.session;
        }
        if (goodbye && s != null) {
            synchronized (l.sendLock) {
                s.sendText("41" + prefix(m.nsp));
            }
        }
        if (last) {
            if (s == null) {
                CompletableFuture<WebSocketSession> f = l.connecting;
                if (f != null) {
                    f.cancel(true);
                }
            } else if (polite) {
                synchronized (l.sendLock) {
                    return s.close(code, reason);
                }
            } else {
                s.abort();
            }
            return CompletableFuture.completedFuture(null);
        }
        l.readMore(); // the member that held the link paused is gone
        return CompletableFuture.completedFuture(null);
    }

    private static String prefix(String nsp) {
        return nsp.equals("/") ? "" : nsp + ",";
    }

    /** Runs the queued member callbacks, one at a time; never called under the lock. */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "A Socket.IO namespace listener threw", e);
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------- Link

    /** One real WebSocket carrying the members' namespaces. */
    private final class Link implements WebSocketListener {
        final URI uri;
        final Headers headers;
        final Duration timeout;
        final String target;
        /**
         * Held while one write (a text frame, or a binary packet's text frame and all its
         * attachments) is handed to {@link #session}, so that nothing lands in between.
         */
        final Object sendLock = new Object();
        // guarded by lock
        final List<Member> members = new ArrayList<>(2);
        WebSocketSession session;
        boolean ended;
        /** A frame was requested from the transport and has not arrived yet. */
        boolean reading;
        String openPacket;
        Duration window;
        ScheduledFuture<?> liveness;
        /** Binary frames still expected for the last BINARY_EVENT/BINARY_ACK, and whose they are. */
        int attachmentsLeft;
        Member attachmentsFor;
        volatile CompletableFuture<WebSocketSession> connecting;
        volatile long lastInbound = System.nanoTime();

        Link(URI uri, Headers headers, Duration timeout) {
            this.uri = uri;
            this.headers = headers;
            this.timeout = timeout;
            this.target = Redact.url(uri);
        }

        void open() {
            synchronized (lock) {
                if (ended) {
                    return; // its only member left before it was opened
                }
            }
            CompletableFuture<WebSocketSession> f;
            try {
                f = transport.webSocket().connect(uri, headers, timeout, this);
            } catch (RuntimeException e) {
                end(e, false);
                return;
            }
            connecting = f;
            boolean gone;
            synchronized (lock) {
                gone = ended && session == null;
            }
            if (gone) {
                f.cancel(true);
            }
            f.whenComplete((s, e) -> {
                if (e != null) {
                    end(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e, false);
                }
            });
        }

        /** Under lock: the link is open; the member gets its open callback, then the open packet when known. */
        void welcome(Member m) {
            tasks.add(() -> {
                if (m.opened.isDone()) {
                    return; // cancelled meanwhile
                }
                m.listener.onOpen(m);
                m.opened.complete(m);
            });
            if (openPacket != null) {
                m.inbox.add(openPacket);
                m.pump();
            }
        }

        @Override
        public void onOpen(WebSocketSession s) {
            boolean drop;
            synchronized (lock) {
                drop = ended;
                if (!drop) {
                    session = s;
                    lastInbound = System.nanoTime();
                    for (Member m : members) {
                        welcome(m);
                    }
                }
            }
            if (drop) {
                s.abort();
                return;
            }
            drain();
            readMore();
        }

        @Override
        public void onText(WebSocketSession s, CharSequence text) {
            lastInbound = System.nanoTime();
            String frame = text.toString();
            String pong = null;
            synchronized (lock) {
                if (ended) {
                    return;
                }
                reading = false;
                if (!frame.isEmpty()) {
                    switch (frame.charAt(0)) {
                        case '0':
                            onEngineOpen(frame);
                            break;
                        case '2': // one pong for the link; the members see the ping to keep their own watch fed
                            pong = "3" + frame.substring(1);
                            toAll(frame);
                            break;
                        case '4':
                            onSocketPacket(frame);
                            break;
                        case '1':
                        case '3':
                        case '6':
                            break;
                        default:
                            toAll(frame); // their sessions report what is wrong with it
                    }
                }
            }
            if (pong != null) {
                synchronized (sendLock) {
                    s.sendText(pong);
                }
            }
            drain();
            readMore();
        }

        @Override
        public void onBinary(WebSocketSession s, ByteBuffer data) {
            lastInbound = System.nanoTime();
            synchronized (lock) {
                if (ended) {
                    return;
                }
                reading = false;
                ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
                if (attachmentsLeft > 0) {
                    attachmentsLeft--;
                    Member m = attachmentsFor;
                    if (m != null && m.attached) {
                        m.inbox.add(copy);
                        m.pump();
                    }
                } else {
                    for (Member m : members) { // not expected: each member's session reports it
                        m.inbox.add(copy.duplicate());
                        m.pump();
                    }
                }
            }
            drain();
            readMore();
        }

        @Override
        public void onPong(WebSocketSession s, ByteBuffer data) {
            lastInbound = System.nanoTime();
        }

        @Override
        public void onClose(WebSocketSession s, int code, String reason) {
            end(new TransportException("The server closed the WebSocket " + target + " with code " + code
                    + (reason.isEmpty() ? "" : " (" + reason + ")")), false, code, reason);
        }

        @Override
        public void onError(WebSocketSession s, Throwable error) {
            end(error, false);
        }

        /** Under lock. */
        private void onEngineOpen(String frame) {
            if (openPacket == null) {
                openPacket = frame;
                try {
                    JsonNode open = JSON.readTree(frame.substring(1));
                    // capped as the sessions cap it: the sum must not overflow, nor its nanoseconds
                    long max = SocketIoSession.MAX_SILENCE_MILLIS;
                    long interval = Math.min(max, Math.max(1, open.path("pingInterval").asLong(25_000)));
                    long pingTimeout = Math.min(max, Math.max(0, open.path("pingTimeout").asLong(20_000)));
                    window = Duration.ofMillis(Math.min(max, interval + pingTimeout));
                    armLiveness(window.toNanos());
                } catch (IOException e) {
                    // the members' sessions report the malformed open packet
                }
            }
            toAll(frame);
        }

        /** Under lock: a Socket.IO packet goes to the member of its namespace. */
        private void onSocketPacket(String frame) {
            int type = frame.length() > 1 ? frame.charAt(1) - '0' : -1;
            int i = 2;
            int attachments = 0;
            if (type == 5 || type == 6) { // <type><n>-[/nsp,][id][json]
                int dash = frame.indexOf('-', i);
                if (dash > i && dash - i < 6) {
                    try {
                        attachments = Integer.parseInt(frame, i, dash, 10);
                    } catch (NumberFormatException e) {
                        attachments = 0;
                    }
                    i = dash + 1;
                }
            }
            String nsp = "/";
            if (i < frame.length() && frame.charAt(i) == '/') {
                int comma = frame.indexOf(',', i);
                nsp = frame.substring(i, comma < 0 ? frame.length() : comma);
            }
            Member target = null;
            for (Member m : members) {
                if (m.nsp.equals(nsp)) {
                    target = m;
                    break;
                }
            }
            if (attachments > 0) {
                attachmentsLeft = attachments;
                attachmentsFor = target;
            }
            if (target == null) {
                return; // a namespace nobody here is attached to (any more)
            }
            if (type == 1 || type == 4) {
                target.serverEnded = true;
            }
            target.inbox.add(frame);
            target.pump();
        }

        /** Under lock. */
        private void toAll(Object frame) {
            for (Member m : members) {
                m.inbox.add(frame);
                m.pump();
            }
        }

        /** Asks the transport for the next frame once every member has taken what it was given. */
        void readMore() {
            WebSocketSession s;
            synchronized (lock) {
                s = session;
                if (ended || reading || s == null) {
                    return;
                }
                for (Member m : members) {
                    if (!m.inbox.isEmpty()) {
                        return; // resumed by that member's request()
                    }
                }
                reading = true;
            }
            s.request(1);
        }

        /** Under lock. */
        private void armLiveness(long nanos) {
            cancelLiveness();
            liveness = transport.scheduler().schedule(this::checkLiveness, nanos, TimeUnit.NANOSECONDS);
        }

        /** Under lock. */
        void cancelLiveness() {
            if (liveness != null) {
                liveness.cancel(false);
                liveness = null;
            }
        }

        /** The window slides with every frame: the link is dead after {@code window} of silence. */
        private void checkLiveness() {
            Duration w;
            synchronized (lock) {
                if (ended) {
                    return;
                }
                long rest = window.toNanos() - (System.nanoTime() - lastInbound);
                if (rest > 0) {
                    armLiveness(rest);
                    return;
                }
                w = window;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "No frame from " + target + " within " + w.toMillis()
                    + " ms; closing the silent shared Socket.IO link");
            end(new IdleTimeoutException(target, w), true);
        }

        void end(Throwable error, boolean abort) {
            end(error, abort, -1, "");
        }

        /**
         * The link ended (once): the members still attached get the terminal callback (or, not
         * opened yet, a failed connect) and are detached. {@code code >= 0}: a close frame.
         */
        void end(Throwable error, boolean abort, int code, String reason) {
            List<Member> left;
            WebSocketSession s;
            synchronized (lock) {
                if (ended) {
                    return;
                }
                ended = true;
                cancelLiveness();
                if (current == this) {
                    current = null;
                }
                left = new ArrayList<>(members);
                members.clear();
                for (Member m : left) {
                    m.attached = false;
                    m.inbox.clear();
                    tasks.add(() -> {
                        if (!m.opened.isDone()) {
                            m.opened.completeExceptionally(error);
                        } else if (code >= 0) {
                            m.listener.onClose(m, code, reason);
                        } else {
                            m.listener.onError(m, error);
                        }
                    });
                }
                s = session;
            }
            if (abort) {
                if (s != null) {
                    s.abort();
                } else {
                    CompletableFuture<WebSocketSession> f = connecting;
                    if (f != null) {
                        f.cancel(true);
                    }
                }
            }
            drain();
        }
    }

    // -------------------------------------------------------------------------------- Member

    /** One namespace's view of the link: what its client's connection reads and writes. */
    private final class Member implements WebSocketSession {
        final String nsp;
        final WebSocketListener listener;
        final CompletableFuture<WebSocketSession> opened = new CompletableFuture<>();
        // guarded by lock
        Link link;
        boolean attached;
        /** This member sent its CONNECT, its own DISCONNECT; the server sent CONNECT_ERROR or DISCONNECT. */
        boolean connectSent;
        boolean byeSent;
        boolean serverEnded;
        long demand;
        final ArrayDeque<Object> inbox = new ArrayDeque<>(2);
        /** The binary packet whose text frame was sent and whose attachments are still coming, or null. */
        Group pending;

        Member(String nsp, WebSocketListener listener) {
            this.nsp = nsp;
            this.listener = listener;
        }

        /** Under lock: what it may receive now goes to the callback queue, in order. */
        void pump() {
            while (demand > 0 && !inbox.isEmpty()) {
                Object f = inbox.poll();
                demand--;
                if (f instanceof String) {
                    tasks.add(() -> listener.onText(this, (String) f));
                } else {
                    ByteBuffer b = (ByteBuffer) f;
                    tasks.add(() -> listener.onBinary(this, b.duplicate()));
                }
            }
        }

        @Override
        public CompletableFuture<Void> sendText(CharSequence text) {
            Objects.requireNonNull(text, "text");
            if (text.length() > 0 && text.charAt(0) == '3') {
                return CompletableFuture.completedFuture(null); // the link answered that ping already
            }
            int attachments = attachmentCount(text);
            Group abandoned;
            Group group = null;
            Link l;
            synchronized (lock) {
                if (text.length() > 1 && text.charAt(0) == '4' && (text.charAt(1) == '0' || text.charAt(1) == '1')) {
                    if (text.charAt(1) == '0') {
                        connectSent = true;
                        byeSent = false;
                        serverEnded = false;
                    } else {
                        byeSent = true;
                    }
                }
                abandoned = pending;
                pending = null;
                if (attachments > 0) {
                    group = new Group(text.toString(), attachments);
                    pending = group;
                }
                l = attached && !link.ended && link.session != null ? link : null;
            }
            if (abandoned != null) {
                abandoned.fail(new IllegalStateException("Namespace '" + nsp + "' sent a frame before the "
                        + abandoned.missing() + " missing binary attachments of its previous packet: that packet"
                        + " was not sent (on a shared Socket.IO link a binary packet's frames must follow each"
                        + " other)"));
            }
            if (group != null) {
                return group.headerSent; // written with its attachments, once they are all here
            }
            if (l == null) {
                return closed();
            }
            synchronized (l.sendLock) {
                return l.session.sendText(text);
            }
        }

        /**
         * An attachment of the BINARY_EVENT / BINARY_ACK whose text frame this member sent last;
         * the last one announced writes the packet's frames to the link back to back. A binary
         * frame that no such text frame announced is refused (the server would close the link,
         * every namespace on it).
         */
        @Override
        public CompletableFuture<Void> sendBinary(ByteBuffer data) {
            Objects.requireNonNull(data, "data");
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Group complete;
            synchronized (lock) {
                Group g = pending;
                if (g == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException("A binary frame from namespace '"
                            + nsp + "' that no BINARY_EVENT / BINARY_ACK announced: not sent (the server would close"
                            + " the shared Socket.IO link)"));
                }
                g.add(data, sent);
                if (g.missing() > 0) {
                    return sent;
                }
                pending = null;
                complete = g;
            }
            Link l = liveLink();
            if (l == null) {
                complete.fail(closedError());
                return sent;
            }
            synchronized (l.sendLock) {
                complete.writeTo(l.session);
            }
            return sent;
        }

        @Override
        public CompletableFuture<Void> sendPing(ByteBuffer data) {
            WebSocketSession s = live();
            return s == null ? closed() : s.sendPing(data);
        }

        @Override
        public CompletableFuture<Void> close(int code, String reason) {
            return detach(this, true, code, reason);
        }

        @Override
        public void abort() {
            detach(this, false, 1000, "");
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                throw new IllegalArgumentException("n must be positive, was " + n);
            }
            Link l;
            synchronized (lock) {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                pump();
                l = link;
            }
            drain();
            if (l != null) {
                l.readMore();
            }
        }

        @Override
        public long queuedBytes() {
            WebSocketSession s = live();
            return s == null ? 0 : s.queuedBytes();
        }

        @Override
        public boolean isOpen() {
            WebSocketSession s = live();
            return s != null && s.isOpen();
        }

        private WebSocketSession live() {
            synchronized (lock) {
                return attached && !link.ended ? link.session : null;
            }
        }

        /** The link this member may write to now, or null. */
        private Link liveLink() {
            synchronized (lock) {
                return attached && !link.ended && link.session != null ? link : null;
            }
        }

        private CompletableFuture<Void> closed() {
            return CompletableFuture.failedFuture(closedError());
        }

        private IllegalStateException closedError() {
            return new IllegalStateException("The Socket.IO namespace '" + nsp + "' has left its link");
        }

        @Override
        public String toString() {
            return "SocketIoNamespaceSession{" + nsp + '}';
        }
    }

    /**
     * The attachment count of a BINARY_EVENT / BINARY_ACK text frame ({@code 45<n>-...},
     * {@code 46<n>-...}), or 0 for any other frame.
     */
    static int attachmentCount(CharSequence frame) {
        if (frame.length() < 4 || frame.charAt(0) != '4' || (frame.charAt(1) != '5' && frame.charAt(1) != '6')) {
            return 0;
        }
        int n = 0;
        int i = 2;
        for (; i < frame.length() && i < 12; i++) { // at most 9 digits, then the dash
            char c = frame.charAt(i);
            if (c == '-') {
                return i > 2 ? n : 0;
            }
            if (c < '0' || c > '9') {
                return 0;
            }
            n = n * 10 + (c - '0');
        }
        return 0;
    }

    // --------------------------------------------------------------------------------- Group

    /**
     * One binary packet of a member: its text frame and its attachments, collected until the last
     * announced one arrives, then written together. Guarded by the state lock until complete, then
     * owned by the thread that writes it.
     */
    private static final class Group {
        final String header;
        final CompletableFuture<Void> headerSent = new CompletableFuture<>();
        final int expected;
        final List<ByteBuffer> parts;
        final List<CompletableFuture<Void>> partsSent;

        Group(String header, int expected) {
            this.header = header;
            this.expected = expected;
            this.parts = new ArrayList<>(Math.min(expected, 16));
            this.partsSent = new ArrayList<>(Math.min(expected, 16));
        }

        void add(ByteBuffer data, CompletableFuture<Void> sent) {
            parts.add(data);
            partsSent.add(sent);
        }

        int missing() {
            return expected - parts.size();
        }

        /** Under the link's send lock: the text frame, then each attachment, nothing in between. */
        void writeTo(WebSocketSession s) {
            relay(s.sendText(header), headerSent);
            for (int i = 0; i < parts.size(); i++) {
                relay(s.sendBinary(parts.get(i)), partsSent.get(i));
            }
        }

        void fail(Throwable error) {
            headerSent.completeExceptionally(error);
            for (CompletableFuture<Void> f : partsSent) {
                f.completeExceptionally(error);
            }
        }

        private static void relay(CompletableFuture<Void> from, CompletableFuture<Void> to) {
            from.whenComplete((v, e) -> {
                if (e != null) {
                    to.completeExceptionally(e instanceof CompletionException && e.getCause() != null
                            ? e.getCause() : e);
                } else {
                    to.complete(null);
                }
            });
        }
    }
}
