package io.noa.realtime.sse;

import io.noa.realtime.LimitExceededException;
import io.noa.realtime.internal.Utf8;
import java.util.Arrays;

/**
 * The field-interpretation half of {@link SseParser}: takes complete lines (without line ends)
 * and collects data, type and id until a blank line dispatches. Works on the line's bytes;
 * decodes only values, and the data once per event. Not thread-safe: the parser guards it.
 */
final class EventAssembler {
    private static final byte[] EMPTY = new byte[0];
    private static final int MIN_CAPACITY = 256;
    private static final int KEEP_ON_CLEAR = 64 * 1024;
    private static final int MAX_CACHED_TYPE_BYTES = 128;

    private final SseParser.Handler handler;
    private final int maxEventBytes;
    /** The user-facing setting named when {@link #maxEventBytes} is exceeded. */
    private final String eventSetting;

    private byte[] data = EMPTY;
    private int dataLen;
    private byte[] type = EMPTY;
    private int typeLen;
    private byte[] cachedTypeBytes;
    private String cachedType;
    private String idBuffer;

    // the "last event ID string": written only under the parser's monitor, readable by any thread
    private volatile String lastEventId;

    EventAssembler(SseParser.Handler handler, int maxEventBytes, String eventSetting) {
        this.handler = handler;
        this.eventSetting = eventSetting;
        this.maxEventBytes = maxEventBytes;
    }

    String lastEventId() {
        return lastEventId;
    }

    void seedLastEventId(String id) {
        idBuffer = id;
        lastEventId = id;
    }

    /** Drops the block being collected; keeps the last event id. */
    void clear() {
        dataLen = 0;
        typeLen = 0;
        idBuffer = lastEventId;
        if (data.length > KEEP_ON_CLEAR) {
            data = EMPTY;
        }
    }

    static byte[] grow(byte[] buf, int needed, int limit) {
        long doubled = Math.max((long) buf.length * 2, MIN_CAPACITY);
        int capacity = (int) Math.max(needed, Math.min(doubled, limit));
        return Arrays.copyOf(buf, capacity);
    }

    void line(byte[] a, int off, int len) {
        if (len == 0) {
            dispatch();
            return;
        }
        int end = off + len;
        if (a[off] == ':') {
            int start = off + 1;
            if (start < end && a[start] == ' ') {
                start++;
            }
            handler.onComment(Utf8.decode(a, start, end - start));
            return;
        }
        int colon = off;
        while (colon < end && a[colon] != ':') {
            colon++;
        }
        int valueStart = colon < end ? colon + 1 : end;
        if (valueStart < end && a[valueStart] == ' ') {
            valueStart++;
        }
        int nameLen = colon - off;
        int valueLen = end - valueStart;
        switch (Fields.kind(a, off, nameLen)) {
            case Fields.DATA:
                appendData(a, valueStart, valueLen);
                break;
            case Fields.EVENT:
                if (valueLen > type.length) {
                    type = Arrays.copyOf(type, Math.max(valueLen, 32));
                }
                System.arraycopy(a, valueStart, type, 0, valueLen);
                typeLen = valueLen;
                break;
            case Fields.ID:
                if (!Fields.containsNul(a, valueStart, valueLen)) {
                    idBuffer = valueLen == 0 ? null : Utf8.decode(a, valueStart, valueLen);
                }
                break;
            case Fields.RETRY:
                long millis = Fields.parseRetry(a, valueStart, valueLen);
                if (millis >= 0) {
                    handler.onRetry(millis);
                }
                break;
            default:
                handler.onField(Utf8.decode(a, off, nameLen), Utf8.decode(a, valueStart, valueLen));
                break;
        }
    }

    SseParser.Handler handler() {
        return handler;
    }

    /** The unterminated last line at EOF: only its {@code data} or {@code event} is taken. */
    void lastLine(byte[] a, int off, int len) {
        if (len == 0 || a[off] == ':') {
            return;
        }
        int end = off + len;
        int colon = off;
        while (colon < end && a[colon] != ':') {
            colon++;
        }
        int kind = Fields.kind(a, off, colon - off);
        if (kind == Fields.DATA || kind == Fields.EVENT) {
            line(a, off, len);
        }
    }

    /** The event collected but never dispatched (the stream ended first), or {@code null}. */
    SseEvent undispatched() {
        if (dataLen == 0) {
            return null;
        }
        return SseEvent.trusted(idBuffer, typeName(), Utf8.decode(data, 0, dataLen - 1));
    }

    private void appendData(byte[] a, int from, int n) {
        // dataLen counts the "\n" after every earlier line, so dataLen + n is the dispatched size.
        if ((long) dataLen + n > maxEventBytes) {
            throw new LimitExceededException("SSE event data", eventSetting, maxEventBytes);
        }
        int needed = dataLen + n + 1;
        if (needed > data.length) {
            data = grow(data, needed, maxEventBytes + 1);
        }
        System.arraycopy(a, from, data, dataLen, n);
        data[dataLen + n] = '\n';
        dataLen = needed;
    }

    private void dispatch() {
        String id = idBuffer;
        if (id != lastEventId) {
            lastEventId = id;
        }
        if (dataLen == 0) {
            typeLen = 0;
            return;
        }
        int length = dataLen - 1;
        String eventType = typeName();
        dataLen = 0;
        typeLen = 0;
        // the data stays in this buffer until the next line arrives, which cannot happen during
        // the call: the handler must not feed this parser
        handler.onEventBytes(id, eventType, data, 0, length);
    }

    private String typeName() {
        int n = typeLen;
        if (n == 0) {
            return SseEvent.DEFAULT_EVENT;
        }
        byte[] cached = cachedTypeBytes;
        if (cached != null && Arrays.equals(cached, 0, cached.length, type, 0, n)) {
            return cachedType;
        }
        String name = Utf8.decode(type, 0, n);
        if (n <= MAX_CACHED_TYPE_BYTES) {
            cachedTypeBytes = Arrays.copyOf(type, n);
            cachedType = name;
        }
        return name;
    }
}
