package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One Jackson non-blocking (byte feeder) parser kept for many events, so that decoding an event
 * costs neither a {@code String} of its data nor a new parser (a parser costs about 1 KB and half
 * a microsecond before the first field is read). Each event's bytes are fed as they lie in the SSE
 * parser's buffer, without a copy; the JSON objects of one event are read as root-level values.
 *
 * <p>The parser is renewed after {@value #EVENTS_PER_PARSER} events (so its name table cannot grow
 * without bound) and thrown away after any failure; the caller then decodes that event again from
 * a {@code String}, which reports errors exactly as before. One instance per thread and decoder;
 * not thread-safe. Not API.
 */
final class ReusedJsonParser {
    /** Events read by one parser before it is renewed. */
    static final int EVENTS_PER_PARSER = 1024;

    /** A value was cut off inside the event: the byte path gives up, the String path reports. */
    static final IOException INCOMPLETE = new Incomplete();

    private static final OutputStream DISCARD = OutputStream.nullOutputStream();

    private final JsonFactory factory;
    private JsonParser raw;
    private ByteArrayFeeder feeder;
    private Guarded guarded;
    private int uses;
    private boolean busy;
    private boolean unsupported;

    ReusedJsonParser(JsonFactory factory) {
        this.factory = factory;
    }

    /**
     * Takes the parser for one event, or answers {@code false} when it cannot be used (in use
     * further up this thread's stack, or the factory has no byte-feeder parser).
     */
    boolean acquire() {
        if (busy || unsupported) {
            return false;
        }
        busy = true;
        return true;
    }

    /** Gives the parser back after {@link #acquire()}. */
    void release() {
        busy = false;
    }

    /**
     * Feeds one event's bytes; read with the returned parser (which throws {@link #INCOMPLETE}
     * instead of returning {@link JsonToken#NOT_AVAILABLE} inside a value) and
     * {@link #nextRootToken()}.
     */
    JsonParser begin(byte[] data, int offset, int end) throws IOException {
        if (raw == null || uses >= EVENTS_PER_PARSER) {
            renew();
        }
        uses++;
        feeder.feedInput(data, offset, end);
        return guarded;
    }

    /** The next root-level token: {@link JsonToken#NOT_AVAILABLE} once the event's bytes are used up. */
    JsonToken nextRootToken() throws IOException {
        return raw.nextToken();
    }

    /** How many of the fed bytes the parser has not read yet (they are the event's last ones). */
    int unread() throws IOException {
        return raw.releaseBuffered(DISCARD);
    }

    /** Drops the parser after a failure: its state is unknown. */
    void discard() {
        JsonParser p = raw;
        raw = null;
        feeder = null;
        guarded = null;
        if (p != null) {
            try {
                p.close();
            } catch (IOException | RuntimeException ignored) {
                // nothing to release that matters
            }
        }
    }

    private void renew() throws IOException {
        discard();
        JsonParser p;
        try {
            p = factory.createNonBlockingByteArrayParser();
        } catch (UnsupportedOperationException e) {
            unsupported = true;
            throw new IOException("no byte-feeder parser in " + factory.getClass().getName(), e);
        }
        if (!(p.getNonBlockingInputFeeder() instanceof ByteArrayFeeder)) {
            unsupported = true;
            p.close();
            throw new IOException("no byte-array feeder in " + factory.getClass().getName());
        }
        raw = p;
        feeder = (ByteArrayFeeder) p.getNonBlockingInputFeeder();
        guarded = new Guarded(p);
        uses = 0;
    }

    /**
     * The parser the decoder reads with: every way of advancing throws {@link #INCOMPLETE} where
     * the non-blocking parser would answer "not available", so a cut value can never read as an
     * early end of an object or loop forever.
     */
    private static final class Guarded extends JsonParserDelegate {
        Guarded(JsonParser d) {
            super(d);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t == JsonToken.NOT_AVAILABLE) {
                throw INCOMPLETE;
            }
            return t;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }

        @Override
        public String nextFieldName() throws IOException {
            return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
        }

        @Override
        public boolean nextFieldName(SerializableString str) throws IOException {
            return nextToken() == JsonToken.FIELD_NAME && str.getValue().equals(currentName());
        }

        @Override
        public String nextTextValue() throws IOException {
            return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
        }

        @Override
        public int nextIntValue(int defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
        }

        @Override
        public long nextLongValue(long defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
        }

        @Override
        public Boolean nextBooleanValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken t = currentToken();
            if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken n = nextToken();
                if (n == null) {
                    throw INCOMPLETE;
                }
                if (n.isStructStart()) {
                    open++;
                } else if (n.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }
    }

    /** The one, stack-less {@link #INCOMPLETE}: never leaves the decoder. */
    private static final class Incomplete extends IOException {
        private static final long serialVersionUID = 1L;

        Incomplete() {
            super("incomplete JSON value in the event");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
