package io.noa.realtime.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.ws.WireMessage;
import io.noa.realtime.ws.WireProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Socket.IO link: Engine.IO open and heartbeat, the CONNECT handshake to one namespace, and
 * the packet codec. Called serially by the client (see {@link WireProtocol.Session}); holds the
 * connection's session ids but never prints them.
 */
final class SocketIoSession implements WireProtocol.Session {
    // Engine.IO packet types (first character of a frame)
    private static final char EIO_OPEN = '0';
    private static final char EIO_CLOSE = '1';
    private static final char EIO_PING = '2';
    private static final char EIO_PONG = '3';
    private static final char EIO_MESSAGE = '4';
    private static final char EIO_NOOP = '6';
    // Socket.IO packet types (second character of an Engine.IO message)
    private static final int CONNECT = 0;
    private static final int DISCONNECT = 1;
    private static final int EVENT = 2;
    private static final int ACK = 3;
    private static final int CONNECT_ERROR = 4;
    private static final int BINARY_EVENT = 5;
    private static final int BINARY_ACK = 6;
    /** Longest ack id we parse: 15 digits always fits a long. */
    private static final int MAX_ID_DIGITS = 15;
    /** Longest attachment count we parse: 9 digits always fits an int. */
    private static final int MAX_COUNT_DIGITS = 9;
    /** Most events held back while the CONNECT reply is awaited (a recovering server replays missed ones first). */
    static final int MAX_EARLY_EVENTS = 100_000;
    /** Most characters of the events held back while the CONNECT reply is awaited: 32 Mi. */
    static final long MAX_EARLY_CHARS = 32L * 1024 * 1024;
    /**
     * The longest silence an open packet may allow ({@code pingInterval + pingTimeout}): a day. A
     * server asking for more (or for values whose sum overflows) gets this; without the cap the
     * sum overflowed to a negative delay (the link was declared dead at once) or past what a
     * timer delay in nanoseconds holds.
     */
    static final long MAX_SILENCE_MILLIS = Duration.ofDays(1).toMillis();

    private final WireProtocol.Context ctx;
    private final ObjectMapper mapper;
    private final String namespace;
    /** {@code ""} for the main namespace, else {@code "/name,"}: what follows the packet type. */
    private final String nspPrefix;
    private final AtomicLong ackIds = new AtomicLong();
    private boolean opened;
    private boolean connected;
    /** Set when the server has connection-state recovery on: events then carry an offset to strip. */
    private boolean recoveryOn;
    private Duration silenceAllowed = Duration.ZERO;
    private final int maxAttachments;
    private final long maxAttachmentBytes;
    /** A BINARY_EVENT / BINARY_ACK waiting for its attachments, or null. */
    private Reassembly reassembly;
    /** The open packet's maxPayload: the largest frame the server accepts. */
    private long maxPayload = Long.MAX_VALUE;
    /** The recovery state of this client (pid and last offset) while the server offers recovery, else null. */
    private Recovery recovery;
    /** The pid sent in this link's CONNECT, if it tried to recover. */
    private String resumingPid;
    /** Events that arrived before the CONNECT reply: missed ones, replayed by a recovering server. */
    private List<Object[]> early;
    /** The characters of the frames in {@link #early}. */
    private long earlyChars;

    /**
     * What connection-state recovery needs across links: the private session id and the offset
     * of the last event. Kept in the client's carry-over slot; never printed.
     */
    static final class Recovery {
        final String pid;
        volatile String offset;

        Recovery(String pid) {
            this.pid = pid;
        }

        @Override
        public String toString() {
            return "Recovery{pid=<redacted>, offset=" + (offset == null ? "none" : "set") + "}";
        }
    }

    SocketIoSession(WireProtocol.Context ctx, String namespace, int maxAttachments, long maxAttachmentBytes) {
        this.ctx = ctx;
        this.mapper = ctx.codec().mapper();
        this.namespace = namespace;
        this.nspPrefix = namespace.equals("/") ? "" : namespace + ",";
        this.maxAttachments = maxAttachments;
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    @Override
    public void onOpen() {
        // the server speaks first (the Engine.IO open packet); the client's connect timeout runs meanwhile
    }

    @Override
    public void onText(CharSequence text) {
        String frame = text.toString();
        if (frame.isEmpty()) {
            ctx.protocolError(new ProtocolException("Empty Engine.IO frame from " + ctx.target()));
            return;
        }
        switch (frame.charAt(0)) {
            case EIO_OPEN:
                onEngineOpen(frame);
                return;
            case EIO_PING:
                ctx.send(frame.length() == 1 ? "3" : "3" + frame.substring(1));
                if (opened) {
                    ctx.expectTrafficWithin(silenceAllowed);
                }
                return;
            case EIO_MESSAGE:
                onSocketPacket(frame);
                return;
            case EIO_PONG:
            case EIO_NOOP:
                return;
            case EIO_CLOSE:
                // the WebSocket close follows; the client reconnects then
                return;
            default:
                ctx.protocolError(new ProtocolException("Unknown Engine.IO packet from " + ctx.target() + ": "
                        + excerpt(frame)));
        }
    }

    private void onEngineOpen(String frame) {
        if (opened) {
            ctx.protocolError(new ProtocolException("A second Engine.IO open packet from " + ctx.target()));
            return;
        }
        JsonNode open = readJson(frame, 1);
        if (open == null || !open.isObject()) {
            ctx.handshakeFailed(new HandshakeException(ctx.target(), 0,
                    "malformed Engine.IO open packet; is this a Socket.IO 3/4 server (EIO=4)?"));
            return;
        }
        opened = true;
        long limit = open.path("maxPayload").asLong(0);
        maxPayload = limit > 0 ? limit : Long.MAX_VALUE;
        // each bounded, so that their sum neither overflows nor makes a timer delay that does
        long interval = Math.min(MAX_SILENCE_MILLIS, Math.max(1, open.path("pingInterval").asLong(25_000)));
        long timeout = Math.min(MAX_SILENCE_MILLIS, Math.max(0, open.path("pingTimeout").asLong(20_000)));
        silenceAllowed = Duration.ofMillis(Math.min(MAX_SILENCE_MILLIS, interval + timeout));
        ctx.expectTrafficWithin(silenceAllowed);
        JsonNode auth = ctx.auth();
        Object carried = ctx.carryOver().get();
        Recovery previous = carried instanceof Recovery ? (Recovery) carried : null;
        String offset = previous == null ? null : previous.offset;
        boolean noAuth = auth == null || auth.isNull() || auth.isMissingNode();
        if (offset != null && (noAuth || auth.isObject())) { // try to resume: pid + offset of the last event
            ObjectNode resume = noAuth ? mapper.createObjectNode() : ((ObjectNode) auth).deepCopy();
            resume.put("pid", previous.pid);
            resume.put("offset", offset);
            resumingPid = previous.pid;
            ctx.send("40" + nspPrefix + write(resume));
        } else if (noAuth) {
            ctx.send("40" + nspPrefix);
        } else if (auth.isObject()) {
            ctx.send("40" + nspPrefix + write(auth));
        } else {
            ctx.handshakeFailed(new HandshakeException(ctx.target(), 0,
                    "Socket.IO auth must be a JSON object (a Map or a bean), was a " + auth.getNodeType()));
        }
    }

    private void onSocketPacket(String frame) {
        int i = 1;
        if (frame.length() < 2 || frame.charAt(1) < '0' || frame.charAt(1) > '6') {
            ctx.protocolError(malformed(frame, "unknown Socket.IO packet type"));
            return;
        }
        int type = frame.charAt(i++) - '0';
        if (reassembly != null) {
            // socket.io-parser refuses this too ("got plaintext data when reconstructing a packet")
            Reassembly broken = reassembly;
            reassembly = null;
            if (!broken.silent) {
                ctx.protocolError(malformed(broken.header, "a Socket.IO packet arrived while " + broken.missing()
                        + " of its binary attachments were still missing; the unfinished packet is dropped"));
            }
        }
        int attachments = 0;
        if (type == BINARY_EVENT || type == BINARY_ACK) {
            int digitsStart = i;
            while (i < frame.length() && frame.charAt(i) >= '0' && frame.charAt(i) <= '9') {
                i++;
            }
            if (i == digitsStart || i - digitsStart > MAX_COUNT_DIGITS || i >= frame.length() || frame.charAt(i) != '-') {
                ctx.protocolError(malformed(frame, "illegal attachment count"));
                return;
            }
            attachments = Integer.parseInt(frame, digitsStart, i, 10);
            i++; // the '-'
        }
        String nsp = "/";
        if (i < frame.length() && frame.charAt(i) == '/') {
            int comma = frame.indexOf(',', i);
            int end = comma < 0 ? frame.length() : comma;
            nsp = frame.substring(i, end);
            i = comma < 0 ? end : end + 1;
        }
        if (!nsp.equals(namespace)) {
            if (attachments > 0) {
                reassembly = Reassembly.skip(frame, attachments, true); // its binary frames follow: not ours either
            }
            return; // a packet for another namespace of the same link: not ours
        }
        long ackId = -1;
        int digitsStart = i;
        while (i < frame.length() && frame.charAt(i) >= '0' && frame.charAt(i) <= '9') {
            i++;
        }
        if (i > digitsStart) {
            if (i - digitsStart > MAX_ID_DIGITS) {
                ctx.protocolError(malformed(frame, "acknowledgement id too long"));
                skipAttachments(frame, attachments);
                return;
            }
            ackId = Long.parseLong(frame, digitsStart, i, 10);
        }
        JsonNode payload = i < frame.length() ? readJson(frame, i) : MissingNode.getInstance();
        if (payload == null) {
            ctx.protocolError(malformed(frame, "payload is not JSON"));
            skipAttachments(frame, attachments);
            return;
        }
        if (type == BINARY_EVENT || type == BINARY_ACK) {
            int kind = type == BINARY_EVENT ? EVENT : ACK;
            if (attachments == 0) {
                type = kind;
            } else if (attachments > maxAttachments) {
                ctx.protocolError(new LimitExceededException("A Socket.IO packet with " + attachments
                        + " binary attachments from " + ctx.target() + " (dropped)", "SocketIo.maxAttachments",
                        maxAttachments));
                reassembly = Reassembly.skip(frame, attachments, true);
                return;
            } else {
                reassembly = new Reassembly(frame, kind, payload, ackId, attachments);
                return; // complete once its binary frames arrived (onBinary)
            }
        }
        switch (type) {
            case CONNECT:
                onConnect(payload);
                return;
            case CONNECT_ERROR:
                ctx.handshakeFailed(new SocketIoConnectException(ctx.target(), namespace,
                        payload.path("message").asText(payload.isTextual() ? payload.asText() : "connection refused"),
                        payload.path("data")));
                return;
            case DISCONNECT:
                connected = false;
                ctx.serverDisconnected("io server disconnect");
                return;
            case EVENT:
                if (!connected) {
                    holdBack(frame, payload, ackId);
                    return;
                }
                onEvent(frame, payload, ackId);
                return;
            case ACK:
                onAck(frame, payload, ackId);
                return;
            default:
                ctx.protocolError(malformed(frame, "unexpected packet type " + type));
        }
    }

    private void onConnect(JsonNode payload) {
        if (connected) {
            return;
        }
        connected = true;
        JsonNode pid = payload.get("pid");
        recoveryOn = pid != null && pid.isTextual();
        boolean recovered = recoveryOn && pid.asText().equals(resumingPid);
        if (!recoveryOn) {
            recovery = null;
            ctx.carryOver().set(null);
        } else {
            Object carried = ctx.carryOver().get();
            if (recovered && carried instanceof Recovery && ((Recovery) carried).pid.equals(resumingPid)) {
                recovery = (Recovery) carried; // the offset goes on from where it was
            } else {
                recovery = new Recovery(pid.asText());
                ctx.carryOver().set(recovery);
            }
        }
        // the events the server replayed before its reply go first, once and in order (offsets stripped)
        List<Object[]> replayed = early;
        early = null;
        if (replayed != null) {
            for (Object[] e : replayed) {
                if (e != null) {
                    onEvent((String) e[0], (JsonNode) e[1], (Long) e[2]);
                }
            }
        }
        ctx.handshakeSucceeded(payload.path("sid").asText(""), recovered);
    }

    /** An event before the CONNECT reply: held until it, bounded in count and in characters. */
    private void holdBack(String frame, JsonNode payload, long ackId) {
        if (early == null) {
            early = new ArrayList<>();
            earlyChars = 0;
        }
        if (!early.isEmpty() && early.get(early.size() - 1) == null) {
            return; // over a bound, reported once
        }
        boolean tooMany = early.size() >= MAX_EARLY_EVENTS;
        if (tooMany || earlyChars + frame.length() > MAX_EARLY_CHARS) {
            early.add(null); // marks the overflow; skipped when the held events are delivered
            String what = tooMany ? "Events from " + ctx.target() : "The characters of the events from " + ctx.target();
            ctx.protocolError(new LimitExceededException(what
                    + " before the Socket.IO CONNECT reply (a recovering server replays the missed ones first)",
                    "the server's connectionStateRecovery.maxDisconnectionDuration",
                    tooMany ? MAX_EARLY_EVENTS : MAX_EARLY_CHARS));
            return;
        }
        earlyChars += frame.length();
        early.add(new Object[] {frame, payload, ackId});
    }

    private void onEvent(String frame, JsonNode payload, long ackId) {
        if (!payload.isArray() || payload.isEmpty() || !payload.get(0).isTextual()) {
            ctx.protocolError(malformed(frame, "an EVENT must be a JSON array starting with the event name"));
            return;
        }
        int argsEnd = payload.size();
        if (recoveryOn && ackId < 0 && argsEnd > 1 && payload.get(argsEnd - 1).isTextual()) {
            argsEnd--; // the offset the server appends when connection-state recovery is on
            recovery.offset = payload.get(argsEnd).asText(); // the last one seen: where a recovery resumes
        }
        ctx.event(payload.get(0).asText(), args((ArrayNode) payload, 1, argsEnd), ackId);
    }

    private void onAck(String frame, JsonNode payload, long ackId) {
        if (ackId < 0 || !payload.isArray()) {
            ctx.protocolError(malformed(frame, "an ACK needs an id and a JSON array"));
            return;
        }
        JsonNode data = args((ArrayNode) payload, 0, payload.size());
        JsonNode error = data.isObject() ? data.get("error") : null;
        if (error != null && !error.isNull()) {
            String msg = error.isTextual() ? error.asText() : error.path("message").asText(error.toString());
            ctx.ackError(ackId, new RealtimeException("The server answered with an error: " + excerpt(msg)));
        } else {
            ctx.ack(ackId, data);
        }
    }

    /**
     * A binary frame: the next attachment of the BINARY_EVENT / BINARY_ACK announced before it.
     * Copied (the buffer is valid only during the call), bounded by
     * {@link SocketIo#maxAttachmentBytes(long)} for one packet.
     */
    @Override
    public void onBinary(ByteBuffer data, WireProtocol.Context context) {
        Reassembly r = reassembly;
        if (r == null) {
            ctx.protocolError(new ProtocolException("Unexpected binary frame of " + data.remaining() + " bytes from "
                    + ctx.target() + ": no BINARY_EVENT or BINARY_ACK is waiting for attachments"));
            return;
        }
        if (r.skipping) {
            if (--r.expected == 0) {
                reassembly = null;
            }
            return;
        }
        if (r.bytes + data.remaining() > maxAttachmentBytes) {
            ctx.protocolError(new LimitExceededException("The binary attachments of a Socket.IO packet from "
                    + ctx.target() + " (dropped)", "SocketIo.maxAttachmentBytes", maxAttachmentBytes));
            r.parts.clear();
            r.skipping = true;
            r.silent = true;
            r.expected -= r.received + 1;
            if (r.expected == 0) {
                reassembly = null;
            }
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        r.parts.add(copy);
        r.bytes += copy.length;
        r.received++;
        if (r.received < r.expected) {
            return;
        }
        reassembly = null;
        JsonNode payload;
        try {
            payload = SocketIoBinary.reconstruct(r.payload, r.parts);
        } catch (SocketIoBinary.IllegalPlaceholderException e) {
            ctx.protocolError(malformed(r.header, e.getMessage()));
            return;
        }
        if (r.kind == EVENT) {
            onEvent(r.header, payload, r.ackId);
        } else {
            onAck(r.header, payload, r.ackId);
        }
    }

    /** The binary frames of a packet already reported as malformed are dropped without more reports. */
    private void skipAttachments(String frame, int attachments) {
        if (attachments > 0) {
            reassembly = Reassembly.skip(frame, attachments, true);
        }
    }

    /** A binary packet whose attachments are arriving (or are skipped). Session-confined. */
    private static final class Reassembly {
        final String header;
        final int kind;
        final JsonNode payload;
        final long ackId;
        final List<byte[]> parts;
        int expected;
        int received;
        long bytes;
        /** Its frames are counted and dropped (not ours, or over a limit already reported). */
        boolean skipping;
        /** Dropping it needs no further report. */
        boolean silent;

        Reassembly(String header, int kind, JsonNode payload, long ackId, int expected) {
            this.header = header;
            this.kind = kind;
            this.payload = payload;
            this.ackId = ackId;
            this.expected = expected;
            this.parts = new ArrayList<>(Math.min(expected, 16));
        }

        static Reassembly skip(String header, int frames, boolean silent) {
            Reassembly r = new Reassembly(header, -1, null, -1, frames);
            r.skipping = true;
            r.silent = silent;
            return r;
        }

        int missing() {
            return expected - received;
        }
    }

    /** One argument as is, none as JSON null, several as an array. */
    private JsonNode args(ArrayNode array, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return mapper.nullNode();
        }
        if (n == 1) {
            return array.get(from);
        }
        ArrayNode out = mapper.createArrayNode();
        for (int k = from; k < to; k++) {
            out.add(array.get(k));
        }
        return out;
    }

    @Override
    public String encodeEvent(String event, JsonNode data, long ackId) {
        return textOnly(encodeEventMessage(event, data, ackId));
    }

    @Override
    public String encodeAck(long ackId, JsonNode data) {
        return textOnly(encodeAckMessage(ackId, data));
    }

    private static String textOnly(WireMessage m) {
        if (!m.attachments().isEmpty()) {
            throw new IllegalStateException("The payload holds binary data: a Socket.IO BINARY packet needs"
                    + " encodeEventMessage / encodeAckMessage (text + binary frames)");
        }
        return m.text();
    }

    /**
     * An EVENT, or a BINARY_EVENT ({@code 45<n>-...} and n binary frames) when the payload holds
     * binary nodes ({@code byte[]} / {@code ByteBuffer} values) anywhere.
     *
     * @throws LimitExceededException when an attachment is larger than the server's maxPayload
     */
    @Override
    public WireMessage encodeEventMessage(String event, JsonNode data, long ackId) {
        ArrayNode a = mapper.createArrayNode();
        a.add(event);
        a.add(data == null ? mapper.nullNode() : data);
        return encodePacket(EVENT, a, ackId >= 0 ? Long.toString(ackId) : "");
    }

    /**
     * An ACK, or a BINARY_ACK ({@code 46<n>-...} and n binary frames) when the answer holds binary
     * nodes anywhere.
     */
    @Override
    public WireMessage encodeAckMessage(long ackId, JsonNode data) {
        ArrayNode a = mapper.createArrayNode();
        a.add(data == null ? mapper.nullNode() : data);
        return encodePacket(ACK, a, Long.toString(ackId));
    }

    private WireMessage encodePacket(int type, ArrayNode args, String id) {
        if (!SocketIoBinary.hasBinary(args)) {
            return WireMessage.text("4" + type + nspPrefix + id + write(args));
        }
        SocketIoBinary.Deconstructed d = SocketIoBinary.deconstruct(args);
        for (ByteBuffer b : d.attachments()) {
            if (b.remaining() > maxPayload) {
                throw new LimitExceededException("A binary attachment of " + b.remaining() + " bytes to "
                        + ctx.target() + " (not sent: the server would close the connection)",
                        "maxHttpBufferSize (server option, announced as maxPayload)", maxPayload);
            }
        }
        int binaryType = type == EVENT ? BINARY_EVENT : BINARY_ACK;
        return WireMessage.of("4" + binaryType + d.attachments().size() + "-" + nspPrefix + id + write(d.json()),
                d.attachments());
    }

    @Override
    public long nextAckId() {
        return ackIds.getAndIncrement();
    }

    @Override
    public WireProtocol.Heartbeat heartbeat() {
        return WireProtocol.Heartbeat.SERVER_DRIVEN;
    }

    @Override
    public String closingFrame() {
        return "41" + nspPrefix;
    }

    @Override
    public long maxFrameBytes() {
        return maxPayload;
    }

    private JsonNode readJson(String frame, int from) {
        try {
            return mapper.readTree(frame.substring(from));
        } catch (IOException e) {
            return null;
        }
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProtocolException malformed(String frame, String what) {
        return new ProtocolException("Malformed Socket.IO packet from " + ctx.target() + " (" + what + "): "
                + excerpt(frame));
    }

    private static String excerpt(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
