package io.noa.realtime.sse;

import io.noa.realtime.LimitExceededException;
import io.noa.realtime.internal.Utf8;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Incremental, byte-level parser for {@code text/event-stream} bodies, following the WHATWG HTML
 * standard's "event stream interpretation" rules exactly.
 *
 * <ul>
 *   <li>A UTF-8 byte order mark is skipped once, at the start of the stream only (also when it
 *       arrives split across several {@code feed} calls); a BOM anywhere later is data.
 *   <li>Lines end with CR, LF or CRLF; a CR that ends one {@code feed} and an LF that starts the
 *       next are one line end. A line is interpreted as soon as its end arrives.
 *   <li>A line starting with {@code ':'} is a comment, reported to
 *       {@link Handler#onComment(String)}. Otherwise the field name runs to the first {@code ':'}
 *       (case-sensitive) and one leading space of the value is removed; a line without
 *       {@code ':'} is a field name with an empty value.
 *   <li>{@code data} appends its value and {@code "\n"}; {@code event} sets the type;
 *       {@code id} sets the id unless the value contains U+0000 (an empty value clears it);
 *       {@code retry} is reported only if its value is one or more ASCII digits; other names go
 *       to {@link Handler#onField(String, String)} and are otherwise ignored.
 *   <li>A blank line dispatches: the id becomes the {@linkplain #lastEventId() last event id}
 *       (also for a block without data); if data was given, one trailing {@code "\n"} is removed
 *       and an {@link SseEvent} is delivered. The type resets after every block; the id persists.
 *   <li>Bytes are decoded as UTF-8; invalid sequences become U+FFFD as the WHATWG Encoding
 *       standard specifies. Splitting the input anywhere, even inside a character, gives the same
 *       result.
 * </ul>
 *
 * <p><b>Bounds.</b> A line longer than {@code maxLineBytes} bytes (without its line end, as soon
 * as that many bytes are buffered) or an event whose data exceeds {@code maxEventBytes} bytes
 * (UTF-8, after joining) throws {@link LimitExceededException}. Buffers grow on demand up to these
 * bounds and are reused.
 *
 * <p><b>Failure.</b> If {@code feed} throws, whether a bound was exceeded or a handler threw, the
 * rest of that call's input is dropped and the parser refuses further input with
 * {@link IllegalStateException} until {@link #reset()} (or {@link #finish()}) is called: a stream
 * is never silently resumed in the middle of a line or event. After a handler exception the
 * parser's state is otherwise intact, since each event's buffers are cleared before the handler
 * runs.
 *
 * <p><b>Threads.</b> Calls are serialized on the parser's monitor and the handler runs on the
 * thread that calls {@code feed}, inside that call. The handler must not call {@code feed},
 * {@code finish} or {@code reset} on the same parser ({@link IllegalStateException}); it may read
 * or set the last event id. {@link #lastEventId()} can be read from any thread at any time.
 */
public final class SseParser {
    /** Default bound on one line, in bytes: 1 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    /** Default bound on one event's data, in bytes: 1 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

    /**
     * Receives what the parser finds. Called on the thread that feeds the parser, serially.
     */
    public interface Handler {
        /**
         * An event was dispatched.
         *
         * @param event the event
         */
        void onEvent(SseEvent event);

        /**
         * An event was dispatched, its data still as UTF-8 bytes: the parser calls this method
         * for every event, and the default decodes the data (invalid sequences become U+FFFD)
         * and calls {@link #onEvent(SseEvent)}. A handler that can read bytes (such as a chat
         * stream decoding JSON) overrides it and saves the {@code String} per event.
         *
         * <p>The array is the parser's own buffer: it is valid only during this call and MUST
         * NOT be kept or written; copy what is needed.
         *
         * @param id the last event id in force, or {@code null}
         * @param type the event type, {@code "message"} when the event had none
         * @param data the array holding the data (lines joined with {@code \n}, no trailing one)
         * @param offset where the data starts
         * @param length the data's length in bytes
         */
        default void onEventBytes(String id, String type, byte[] data, int offset, int length) {
            onEvent(SseEvent.trusted(id, type, Utf8.decode(data, offset, length)));
        }

        /**
         * A comment line ({@code ":" text}), e.g. a heartbeat. Useful as a liveness signal.
         *
         * @param comment the text after the colon, one leading space removed
         */
        default void onComment(String comment) {}

        /**
         * A valid {@code retry} field: its value was one or more ASCII digits.
         *
         * @param millis the reconnection time in milliseconds; values above {@link Long#MAX_VALUE}
         *     are reported as {@link Long#MAX_VALUE}, so callers should apply their own cap
         */
        default void onRetry(long millis) {}

        /**
         * A field whose name is not {@code data}, {@code event}, {@code id} or {@code retry} (for
         * example the {@code error} field some servers send). Reported, never dispatched.
         *
         * @param name the field name
         * @param value the value, one leading space removed
         */
        default void onField(String name, String value) {}

        /**
         * Called by {@link SseParser#finish()} when the stream ended inside an event: its data
         * arrived (the last line possibly without its line end) but not the blank line that
         * dispatches it. WHATWG discards such an event, and so does this default; a handler
         * that knows its payloads are self-delimiting (a chat stream whose proxy trims the
         * trailing newlines) may accept it. Only {@code data} and {@code event} lines of an
         * unterminated last line are taken into account; nothing else is reported.
         *
         * @param event the undispatched event
         */
        default void onUnterminatedEvent(SseEvent event) {}
    }

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int BOM_DONE = -1;
    private static final int CHUNK_BYTES = 8192;
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);
    private static final int KEEP_ON_RESET = 64 * 1024;

    private final int maxLineBytes;
    private final String lineSetting;

    // line splitting
    private byte[] line = EMPTY;
    private int lineLen;
    private boolean pendingCr;
    private int bomMatched;

    private final EventAssembler events;

    private boolean busy;
    private String failure;

    /**
     * Creates a parser with the default bounds.
     *
     * @param handler receives events, comments, retry values and unknown fields
     */
    public SseParser(Handler handler) {
        this(handler, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_EVENT_BYTES);
    }

    /**
     * Creates a parser.
     *
     * @param handler receives events, comments, retry values and unknown fields
     * @param maxLineBytes the longest line accepted, in bytes, without its line end
     * @param maxEventBytes the largest event data accepted, in UTF-8 bytes
     * @throws IllegalArgumentException if a bound is not positive
     */
    public SseParser(Handler handler, int maxLineBytes, int maxEventBytes) {
        this(handler, maxLineBytes, maxEventBytes, "maxLineBytes", "maxEventBytes");
    }

    /**
     * Creates a parser whose {@link LimitExceededException}s name the settings its owner exposes
     * to users, so that the message says what to raise: an {@link SseClient} passes
     * {@code "SseClientOptions.Builder.maxEventSize"} for both.
     *
     * @param handler receives events, comments, retry values and unknown fields
     * @param maxLineBytes the longest line accepted, in bytes, without its line end
     * @param maxEventBytes the largest event data accepted, in UTF-8 bytes
     * @param lineSetting the user-facing setting that controls {@code maxLineBytes}
     * @param eventSetting the user-facing setting that controls {@code maxEventBytes}
     * @throws IllegalArgumentException if a bound is not positive
     */
    public SseParser(Handler handler, int maxLineBytes, int maxEventBytes, String lineSetting, String eventSetting) {
        Objects.requireNonNull(handler, "handler");
        this.lineSetting = Objects.requireNonNull(lineSetting, "lineSetting");
        Objects.requireNonNull(eventSetting, "eventSetting");
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.events = new EventAssembler(handler, maxEventBytes, eventSetting);
    }

    /**
     * Parses all remaining bytes of {@code bytes}, delivering every event completed by them.
     * Afterwards the buffer's position is its limit. The buffer is read only during this call.
     *
     * @param bytes the next bytes of the stream, heap or direct
     * @throws LimitExceededException if a line or an event exceeds its bound
     * @throws IllegalStateException if an earlier call failed and {@link #reset()} was not called,
     *     or if called from this parser's own handler
     */
    public void feed(ByteBuffer bytes) {
        Objects.requireNonNull(bytes, "bytes");
        synchronized (this) {
            enter();
            try {
                if (bytes.hasArray()) {
                    int start = bytes.arrayOffset() + bytes.position();
                    int end = bytes.arrayOffset() + bytes.limit();
                    bytes.position(bytes.limit());
                    parse(bytes.array(), start, end);
                } else {
                    // A direct buffer is copied through a per-thread scratch array, so an idle
                    // parser (one per open stream) holds none. The array is taken out of its slot
                    // while in use: a handler feeding another parser on this thread gets its own.
                    byte[][] slot = SCRATCH.get();
                    byte[] c = slot[0];
                    if (c == null) {
                        c = new byte[CHUNK_BYTES];
                    } else {
                        slot[0] = null;
                    }
                    try {
                        while (bytes.hasRemaining()) {
                            int n = Math.min(bytes.remaining(), c.length);
                            bytes.get(c, 0, n);
                            parse(c, 0, n);
                        }
                    } finally {
                        slot[0] = c;
                    }
                }
            } catch (RuntimeException | Error e) {
                fail(e);
                throw e;
            } finally {
                busy = false;
                bytes.position(bytes.limit());
            }
        }
    }

    /**
     * Parses {@code length} bytes of {@code bytes} from {@code offset}, delivering every event
     * completed by them. The array is read only during this call.
     *
     * @param bytes the array holding the next bytes of the stream
     * @param offset where the bytes start
     * @param length how many bytes
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws LimitExceededException if a line or an event exceeds its bound
     * @throws IllegalStateException if an earlier call failed and {@link #reset()} was not called,
     *     or if called from this parser's own handler
     */
    public void feed(byte[] bytes, int offset, int length) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        synchronized (this) {
            enter();
            try {
                parse(bytes, offset, offset + length);
            } catch (RuntimeException | Error e) {
                fail(e);
                throw e;
            } finally {
                busy = false;
            }
        }
    }

    /**
     * Ends the stream: an unterminated line and an undispatched event are discarded, as WHATWG
     * requires (the event is first offered to {@link Handler#onUnterminatedEvent(SseEvent)},
     * which discards it by default), and the parser is ready for a new stream exactly as after
     * {@link #reset()}.
     *
     * @throws IllegalStateException if called from this parser's own handler
     */
    public synchronized void finish() {
        if (busy) {
            throw new IllegalStateException("SseParser.finish() and reset() must not be called from its own handler");
        }
        SseEvent last = null;
        if (failure == null) {
            try {
                if (lineLen > 0) {
                    events.lastLine(line, 0, lineLen);
                }
                last = events.undispatched();
            } catch (RuntimeException e) {
                last = null; // an oversized last line: discarded like any unterminated event
            }
        }
        reset();
        if (last != null) {
            busy = true;
            try {
                events.handler().onUnterminatedEvent(last);
            } finally {
                busy = false;
            }
        }
    }

    /**
     * Prepares for a new connection: clears the partial line, the event being collected, a
     * pending CR, an earlier failure, and expects a BOM again. Keeps the last event id.
     *
     * @throws IllegalStateException if called from this parser's own handler
     */
    public synchronized void reset() {
        if (busy) {
            throw new IllegalStateException("SseParser.finish() and reset() must not be called from its own handler");
        }
        lineLen = 0;
        pendingCr = false;
        bomMatched = 0;
        failure = null;
        if (line.length > KEEP_ON_RESET) {
            line = EMPTY;
        }
        events.clear();
    }

    /**
     * The last event id: set by the {@code id} field of the last dispatched block, or seeded.
     *
     * @return the id, empty if none was set or it was cleared
     */
    public Optional<String> lastEventId() {
        return Optional.ofNullable(events.lastEventId());
    }

    /**
     * Seeds the last event id, for example from a previous connection; it applies to the next
     * events until the stream sends its own {@code id}.
     *
     * @param id the id, {@code null} or empty to clear
     * @throws IllegalArgumentException if {@code id} contains U+0000, CR or LF
     */
    public synchronized void lastEventId(String id) {
        if (id != null && (id.indexOf('\0') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("an event id must not contain NUL, CR or LF");
        }
        events.seedLastEventId(id == null || id.isEmpty() ? null : id);
    }

    private void enter() {
        if (busy) {
            throw new IllegalStateException("SseParser.feed() must not be called from its own handler");
        }
        if (failure != null) {
            throw new IllegalStateException(
                    "SseParser failed earlier (" + failure + "); call reset() before feeding a new stream");
        }
        busy = true;
    }

    private void fail(Throwable e) {
        // A handler's own message is not repeated: it might carry payload data.
        failure = e instanceof LimitExceededException ? e.getMessage() : "the handler threw " + e.getClass().getName();
    }

    // ---- line splitting ------------------------------------------------------------------

    private void parse(byte[] a, int from, int to) {
        int i = from;
        if (i == to) {
            return;
        }
        if (bomMatched != BOM_DONE) {
            i = skipBom(a, i, to);
            if (i == to) {
                return;
            }
        }
        if (pendingCr) {
            pendingCr = false;
            if (a[i] == '\n') {
                i++;
            }
        }
        while (i < to) {
            int eol = LineEnds.find(a, i, to);
            if (eol < 0) {
                appendToLine(a, i, to - i);
                return;
            }
            if (lineLen == 0) {
                int n = eol - i;
                if (n > maxLineBytes) {
                    throw lineTooLong();
                }
                events.line(a, i, n);
            } else {
                appendToLine(a, i, eol - i);
                int n = lineLen;
                lineLen = 0;
                events.line(line, 0, n);
            }
            i = eol + 1;
            if (a[eol] == '\r') {
                if (i == to) {
                    pendingCr = true;
                    return;
                }
                if (a[i] == '\n') {
                    i++;
                }
            }
        }
    }

    /** Consumes the BOM bytes at the very start of the stream; returns where content starts. */
    private int skipBom(byte[] a, int from, int to) {
        int i = from;
        while (i < to) {
            if (a[i] != BOM[bomMatched]) {
                int matched = bomMatched;
                bomMatched = BOM_DONE;
                if (matched > 0) {
                    appendToLine(BOM, 0, matched); // a partial BOM is ordinary content
                }
                return i;
            }
            i++;
            if (++bomMatched == BOM.length) {
                bomMatched = BOM_DONE;
                return i;
            }
        }
        return i;
    }

    private void appendToLine(byte[] a, int from, int n) {
        int needed = lineLen + n;
        if (needed > maxLineBytes) {
            throw lineTooLong();
        }
        if (needed > line.length) {
            line = EventAssembler.grow(line, needed, maxLineBytes);
        }
        System.arraycopy(a, from, line, lineLen, n);
        lineLen = needed;
    }

    private LimitExceededException lineTooLong() {
        return new LimitExceededException("SSE line", lineSetting, maxLineBytes);
    }

}
