package io.noa.realtime.chat;

import static io.noa.realtime.chat.JsonValues.index;
import static io.noa.realtime.chat.JsonValues.isNull;
import static io.noa.realtime.chat.JsonValues.number;
import static io.noa.realtime.chat.JsonValues.text;
import static io.noa.realtime.chat.JsonValues.textOrJson;
import static io.noa.realtime.chat.JsonValues.tree;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.internal.Utf8;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI {@code chat.completion.chunk} decoder. Reads token by token with Jackson's streaming
 * parser; only unknown fields are read as trees (into extras). Thread-safe; its only state is the
 * last values of the repeated fields ({@link RepeatedText}) and, per thread, the byte path's
 * reused parser.
 */
final class OpenAiChunkDecoder implements ChunkDecoder {
    static final OpenAiChunkDecoder DEFAULT = new OpenAiChunkDecoder(new JsonFactory());

    private static final String DONE = "[DONE]";

    private static final byte[] DONE_BYTES = DONE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final JsonFactory factory;
    private final RepeatedText repeated = new RepeatedText();
    /** The factory's bound of a string value, which reading a text as characters does not check. */
    private final int maxStringLength;
    /** The byte path's parser, one per thread that decodes (in practice the transport's I/O threads). */
    private final ThreadLocal<ReusedJsonParser> parsers;
    /** Whether the common chunk is read by the hand-written {@link ChunkScanner} first. */
    private final boolean scannable;

    OpenAiChunkDecoder(JsonFactory factory) {
        this.factory = factory;
        this.maxStringLength = factory.streamReadConstraints().getMaxStringLength();
        this.parsers = ThreadLocal.withInitial(() -> new ReusedJsonParser(factory));
        this.scannable = ChunkScanner.usable(factory);
    }

    @Override
    public boolean isEndOfStream(String eventName, String data) {
        return data != null && DONE.equals(data.strip());
    }

    @Override
    public List<StreamChunk> decode(String eventName, String data) {
        java.util.Objects.requireNonNull(data, "data");
        String event = eventName == null || eventName.isEmpty() ? "message" : eventName;
        boolean errorEvent = "error".equals(event);
        if (!errorEvent && !"message".equals(event)) {
            return List.of(); // ping and other named events are not part of a chat stream
        }
        String trimmed = data.strip();
        if (!errorEvent && (trimmed.isEmpty() || DONE.equals(trimmed))) {
            return List.of();
        }
        if (errorEvent && !trimmed.startsWith("{")) {
            return List.of(StreamChunk.ofError(ErrorDetail.of(trimmed, null, null, null)));
        }
        try (JsonParser p = factory.createParser(data)) {
            // the usual one chunk per event needs no ArrayList
            StreamChunk first = null;
            List<StreamChunk> out = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    if (errorEvent) {
                        // an error event never fails to decode: its whole text is the error
                        return List.of(StreamChunk.ofError(ErrorDetail.of(trimmed, null, null, null)));
                    }
                    throw new StreamFormatException("chat stream data is not a JSON object (found " + t + ")", data);
                }
                StreamChunk chunk = readChunk(p, errorEvent);
                if (first == null) {
                    first = chunk;
                } else {
                    if (out == null) {
                        out = new ArrayList<>(4);
                        out.add(first);
                    }
                    out.add(chunk);
                }
            }
            return out != null ? out : first != null ? List.of(first) : List.of();
        } catch (JsonProcessingException e) {
            if (errorEvent) {
                return List.of(StreamChunk.ofError(ErrorDetail.of(trimmed, null, null, null)));
            }
            throw new StreamFormatException("chat stream data is not valid JSON (" + e.getOriginalMessage() + ")", data);
        } catch (IOException e) {
            throw new StreamFormatException("chat stream data could not be read (" + e.getMessage() + ")", data);
        }
    }

    @Override
    public boolean isEndOfStream(String eventName, byte[] data, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        int from = offset;
        int to = offset + length;
        while (from < to && Utf8Bytes.isAsciiWhitespace(data[from])) {
            from++;
        }
        while (to > from && Utf8Bytes.isAsciiWhitespace(data[to - 1])) {
            to--;
        }
        if (from < to && (data[from] < 0 || data[to - 1] < 0)) {
            // non-ASCII at an end: maybe Unicode white space, which String.strip() removes too
            return isEndOfStream(eventName, Utf8.decode(data, offset, length));
        }
        if (to - from != DONE_BYTES.length) {
            return false;
        }
        for (int i = 0; i < DONE_BYTES.length; i++) {
            if (data[from + i] != DONE_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The byte path: the event's JSON objects are read from the bytes in place by a parser this
     * thread keeps for many events ({@link ReusedJsonParser}). Anything unusual (an error event,
     * data that is not a JSON object, malformed UTF-8, invalid or cut JSON, a parser in use further
     * up the stack) is decoded again from the {@code String}, so results and errors are exactly
     * those of {@link #decode(String, String)}.
     */
    @Override
    public List<StreamChunk> decode(String eventName, byte[] data, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        boolean message = eventName == null || eventName.isEmpty() || "message".equals(eventName);
        if (!message && !"error".equals(eventName)) {
            return List.of(); // ping and other named events are not part of a chat stream
        }
        int end = offset + length;
        int start = Utf8Bytes.skipJsonWhitespace(data, offset, end);
        if (!message || start == end || data[start] != '{' || !Utf8Bytes.isWellFormed(data, start, end)) {
            return decode(eventName, Utf8.decode(data, offset, length));
        }
        ReusedJsonParser reader = parsers.get();
        if (!reader.acquire()) {
            return decode(eventName, Utf8.decode(data, offset, length));
        }
        try {
            List<StreamChunk> chunks = readObjects(reader, data, start, end);
            if (chunks != null) {
                return chunks;
            }
        } catch (IOException | RuntimeException e) {
            reader.discard(); // the String path below reports what was wrong
        } finally {
            reader.release();
        }
        return decode(eventName, Utf8.decode(data, offset, length));
    }

    /**
     * The common chunk without a chunk object: reads the event's one JSON object into {@code into}
     * when it has exactly the fields {@link #decode(String, byte[], int, int)} would turn into a
     * single {@link Choice} with at most a role, content/reasoning/refusal text and a finish
     * reason, plus the chunk's metadata (and fields that are {@code null}, which that path ignores
     * too). Anything else (another event type, a second object, another field or value type, a
     * field given twice, {@code "object":"error"}, malformed input) answers {@code false} with
     * {@code into} unspecified: the caller then decodes the event with
     * {@link #decode(String, byte[], int, int)}, which gives the exact result.
     *
     * <p>The hand-written {@link ChunkScanner} reads the event first (when the factory reads plain
     * JSON); what it declines is read again by the reused Jackson parser
     * ({@link #readSimpleWithJackson}), which decides. The scanner also takes a delta with one
     * tool-call fragment that has an index (streamed function arguments); the Jackson reader leaves
     * those to the full path.
     *
     * @return whether {@code into} holds the event's chunk
     */
    boolean readSimple(String eventName, byte[] data, int offset, int length, SimpleChunk into) {
        if (scannable && (eventName == null || eventName.isEmpty() || "message".equals(eventName))) {
            int start = Utf8Bytes.skipJsonWhitespace(data, offset, offset + length);
            if (start < offset + length && data[start] == '{') {
                if (into.scannerOf != this) {
                    into.scanner = new ChunkScanner(factory, repeated);
                    into.scannerOf = this;
                }
                if (into.scanner.scan(data, start, offset + length, into)) {
                    return true;
                }
            }
        }
        return readSimpleWithJackson(eventName, data, offset, length, into);
    }

    /** {@link #readSimple} with Jackson alone (the reference the scanner is tested against). */
    boolean readSimpleWithJackson(String eventName, byte[] data, int offset, int length, SimpleChunk into) {
        if (!(eventName == null || eventName.isEmpty() || "message".equals(eventName))) {
            return false;
        }
        int end = offset + length;
        int start = Utf8Bytes.skipJsonWhitespace(data, offset, end);
        if (start == end || data[start] != '{' || !Utf8Bytes.isWellFormed(data, start, end)) {
            return false;
        }
        ReusedJsonParser reader = parsers.get();
        if (!reader.acquire()) {
            return false;
        }
        try {
            JsonParser p = reader.begin(data, start, end);
            if (reader.nextRootToken() != JsonToken.START_OBJECT) {
                reader.discard();
                return false;
            }
            into.clear();
            boolean simple = readSimpleChunk(p, into);
            if (!simple) {
                abandon(reader, p);
                return false;
            }
            int unread = reader.unread();
            if (unread > 0 && Utf8Bytes.skipJsonWhitespace(data, end - unread, end) != end) {
                reader.discard(); // another object follows: the full path reads them all
                return false;
            }
            if (unread > 0 && reader.nextRootToken() != JsonToken.NOT_AVAILABLE) {
                reader.discard();
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            reader.discard(); // the full path reports what was wrong
            return false;
        } finally {
            reader.release();
        }
    }

    /**
     * Reads the rest of the event so that the parser takes the next event's bytes; else drops it.
     * Anything left after the object (even a lone digit, which a non-blocking parser would keep as
     * the start of a number and join to the next event's bytes) drops it too.
     */
    private static void abandon(ReusedJsonParser reader, JsonParser p) {
        try {
            while (!p.getParsingContext().inRoot()) {
                p.nextToken();
            }
            if (reader.unread() > 0) {
                reader.discard();
            }
        } catch (IOException | RuntimeException e) {
            reader.discard();
        }
    }

    // field bits of the simple reader (and of ChunkScanner): a field given twice is not simple
    static final int F_ID = 1;
    static final int F_MODEL = 1 << 1;
    static final int F_OBJECT = 1 << 2;
    static final int F_CREATED = 1 << 3;
    static final int F_FINGERPRINT = 1 << 4;
    static final int F_TIER = 1 << 5;
    static final int F_CHOICES = 1 << 6;
    static final int F_USAGE = 1 << 7;

    /** What {@link #repeatedOrNull} answers for a value that is neither a string nor {@code null}. */
    private static final String NOT_TEXT = new String("not text");

    /**
     * A repeated field's value in the simple reader: its string ({@code null} when empty), {@code null}
     * for {@code null}, {@link #NOT_TEXT} for anything else (which is not simple).
     */
    private String repeatedOrNull(JsonParser p, JsonToken t, int slot) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return ChatJson.emptyToNull(repeated.text(p, slot));
        }
        return t == JsonToken.VALUE_NULL ? null : NOT_TEXT;
    }

    private boolean readSimpleChunk(JsonParser p, SimpleChunk into) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            int bit;
            switch (field) {
                case "id":
                    bit = F_ID;
                    into.id = repeatedOrNull(p, t, RepeatedText.ID);
                    if (into.id == NOT_TEXT) {
                        return false;
                    }
                    break;
                case "model":
                    bit = F_MODEL;
                    into.model = repeatedOrNull(p, t, RepeatedText.MODEL);
                    if (into.model == NOT_TEXT) {
                        return false;
                    }
                    break;
                case "object":
                    bit = F_OBJECT;
                    if (t == JsonToken.VALUE_STRING) {
                        if ("error".equals(repeated.text(p, RepeatedText.OBJECT))) {
                            return false; // an error object: the full path makes the error
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        return false;
                    }
                    break;
                case "created":
                    bit = F_CREATED;
                    if (t == JsonToken.VALUE_NUMBER_INT) {
                        into.created = number(p);
                    } else if (t != JsonToken.VALUE_NULL) {
                        return false;
                    }
                    break;
                case "system_fingerprint":
                    bit = F_FINGERPRINT;
                    into.systemFingerprint = repeatedOrNull(p, t, RepeatedText.FINGERPRINT);
                    if (into.systemFingerprint == NOT_TEXT) {
                        return false;
                    }
                    break;
                case "service_tier":
                    bit = F_TIER;
                    into.serviceTier = repeatedOrNull(p, t, RepeatedText.SERVICE_TIER);
                    if (into.serviceTier == NOT_TEXT) {
                        return false;
                    }
                    break;
                case "choices":
                    bit = F_CHOICES;
                    if (t != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT
                            || !readSimpleChoice(p, into) || p.nextToken() != JsonToken.END_ARRAY) {
                        return false; // not exactly one choice object
                    }
                    break;
                case "usage":
                    bit = F_USAGE;
                    if (t != JsonToken.VALUE_NULL) {
                        return false;
                    }
                    break;
                default:
                    if (t != JsonToken.VALUE_NULL || "error".equals(field)) {
                        return false; // extras, an error: the full path
                    }
                    continue; // an unknown null is ignored, as the full path does
            }
            if ((seen & bit) != 0) {
                return false;
            }
            seen |= bit;
        }
        return (seen & F_CHOICES) != 0;
    }

    static final int C_INDEX = 1;
    static final int C_DELTA = 1 << 1;
    static final int C_FINISH = 1 << 2;
    static final int C_LOGPROBS = 1 << 3;

    private boolean readSimpleChoice(JsonParser p, SimpleChunk into) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            int bit;
            switch (field) {
                case "index":
                    bit = C_INDEX;
                    if (t != JsonToken.VALUE_NUMBER_INT) {
                        return false;
                    }
                    into.index = Math.max(0, index(p)); // unusable: the choice's position, 0
                    break;
                case "delta":
                    bit = C_DELTA;
                    if (t != JsonToken.START_OBJECT || !readSimpleDelta(p, into)) {
                        return false;
                    }
                    break;
                case "finish_reason":
                    bit = C_FINISH;
                    if (t == JsonToken.VALUE_STRING) {
                        into.finishReason = ChatJson.emptyToNull(p.getText());
                    } else if (t != JsonToken.VALUE_NULL) {
                        return false;
                    }
                    break;
                case "logprobs":
                    bit = C_LOGPROBS;
                    if (t != JsonToken.VALUE_NULL) {
                        return false;
                    }
                    break;
                default:
                    if (t != JsonToken.VALUE_NULL || "message".equals(field)) {
                        return false;
                    }
                    continue;
            }
            if ((seen & bit) != 0) {
                return false;
            }
            seen |= bit;
        }
        return true;
    }

    static final int D_ROLE = 1;
    static final int D_CONTENT = 1 << 1;
    static final int D_REASONING = 1 << 2;
    static final int D_REFUSAL = 1 << 3;
    static final int D_TOOLS = 1 << 4;
    static final int D_FUNCTION = 1 << 5;
    static final int D_ANNOTATIONS = 1 << 6;

    private boolean readSimpleDelta(JsonParser p, SimpleChunk into) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                return false; // arrays of parts, tool calls, numbers: the full path
            }
            boolean text = t == JsonToken.VALUE_STRING;
            if (text && p.getTextLength() > maxStringLength) {
                return false; // the full path reports the factory's bound (getText checks it)
            }
            int bit;
            switch (field) {
                case "role":
                    bit = D_ROLE;
                    if (text) {
                        into.role = ChatJson.emptyToNull(p.getText());
                    }
                    break;
                case "content":
                    bit = D_CONTENT;
                    if (text) {
                        into.content.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    }
                    break;
                case "reasoning_content":
                case "reasoning":
                    bit = D_REASONING; // both in one delta: the full path joins them
                    if (text) {
                        into.reasoning.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    }
                    break;
                case "refusal":
                    bit = D_REFUSAL;
                    if (text) {
                        into.refusal.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    }
                    break;
                case "tool_calls":
                    bit = D_TOOLS;
                    if (text) {
                        return false;
                    }
                    break;
                case "function_call":
                    bit = D_FUNCTION;
                    if (text) {
                        return false;
                    }
                    break;
                case "annotations":
                    bit = D_ANNOTATIONS;
                    if (text) {
                        return false;
                    }
                    break;
                default:
                    if (text) {
                        return false; // an extra
                    }
                    continue;
            }
            if ((seen & bit) != 0) {
                return false;
            }
            seen |= bit;
        }
        return true;
    }

    /** The chunks of one event's objects, or {@code null} if the data is not only objects. */
    private List<StreamChunk> readObjects(ReusedJsonParser reader, byte[] data, int start, int end) throws IOException {
        JsonParser p = reader.begin(data, start, end);
        StreamChunk first = null;
        List<StreamChunk> out = null;
        while (true) {
            if (reader.nextRootToken() != JsonToken.START_OBJECT) {
                reader.discard();
                return null;
            }
            StreamChunk chunk = readChunk(p, false);
            if (p.currentToken() != JsonToken.END_OBJECT) {
                reader.discard();
                return null;
            }
            if (first == null) {
                first = chunk;
            } else {
                if (out == null) {
                    out = new ArrayList<>(4);
                    out.add(first);
                }
                out.add(chunk);
            }
            int unread = reader.unread();
            int next = Utf8Bytes.skipJsonWhitespace(data, end - unread, end);
            if (next == end) {
                if (unread > 0 && reader.nextRootToken() != JsonToken.NOT_AVAILABLE) {
                    reader.discard();
                    return null;
                }
                return out != null ? out : List.of(first);
            }
            if (data[next] != '{') {
                reader.discard();
                return null;
            }
        }
    }

    @Override
    public List<StreamChunk> decodeField(String fieldName, String value) {
        if ("error".equals(fieldName) && value != null) {
            return decode("error", value);
        }
        return List.of();
    }

    private StreamChunk readChunk(JsonParser p, boolean errorEvent) throws IOException {
        StreamChunk.Builder b = StreamChunk.builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "id":
                    b.id(repeated.text(p, RepeatedText.ID));
                    break;
                case "model":
                    b.model(repeated.text(p, RepeatedText.MODEL));
                    break;
                case "object":
                    b.object(repeated.text(p, RepeatedText.OBJECT));
                    break;
                case "created":
                    b.created(number(p));
                    break;
                case "system_fingerprint":
                    b.systemFingerprint(repeated.text(p, RepeatedText.FINGERPRINT));
                    break;
                case "service_tier":
                    b.serviceTier(repeated.text(p, RepeatedText.SERVICE_TIER));
                    break;
                case "choices":
                    readChoices(p, b);
                    break;
                case "usage":
                    b.usage(readUsage(p));
                    break;
                case "error":
                    b.error(ErrorShapes.nested(p));
                    break;
                default:
                    if (!isNull(p)) {
                        b.extra(field, tree(p));
                    }
            }
        }
        ErrorShapes.completeFlat(b, errorEvent);
        return b.build();
    }

    private static void readChoices(JsonParser p, StreamChunk.Builder b) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT) {
                b.addChoice(readChoice(p));
            } else {
                p.skipChildren();
            }
        }
    }

    private static Choice readChoice(JsonParser p) throws IOException {
        Choice.Builder c = Choice.builder();
        Delta delta = null;
        Delta message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "index":
                    int i = index(p);
                    if (i >= 0) {
                        c.index(i);
                    }
                    break;
                case "delta":
                    delta = p.currentToken() == JsonToken.START_OBJECT ? readDelta(p) : skip(p);
                    break;
                case "message": // a few proxies send a whole message instead of a delta
                    message = p.currentToken() == JsonToken.START_OBJECT ? readDelta(p) : skip(p);
                    break;
                case "finish_reason":
                    c.finishReason(text(p));
                    break;
                case "logprobs":
                    readLogprobs(p, c);
                    break;
                default:
                    if (!isNull(p)) {
                        c.extra(field, tree(p));
                    }
            }
        }
        c.delta(delta != null ? delta : message);
        return c.build();
    }

    private static Delta skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static void readLogprobs(JsonParser p, Choice.Builder c) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (p.currentToken() != JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            boolean content = "content".equals(field);
            boolean refusal = "refusal".equals(field);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NULL || !(content || refusal)) {
                    p.skipChildren();
                } else if (content) {
                    c.addLogprob(tree(p));
                } else {
                    c.addRefusalLogprob(tree(p));
                }
            }
        }
    }

    private static Delta readDelta(JsonParser p) throws IOException {
        Delta.Builder d = Delta.builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "role":
                    d.role(text(p));
                    break;
                case "content":
                    d.content(p.currentToken() == JsonToken.START_ARRAY ? contentParts(p) : text(p));
                    break;
                case "reasoning_content":
                case "reasoning":
                    d.reasoning(text(p));
                    break;
                case "refusal":
                    d.refusal(text(p));
                    break;
                case "tool_calls":
                    readToolCalls(p, d);
                    break;
                case "function_call":
                    d.functionCall(p.currentToken() == JsonToken.START_OBJECT ? readFunction(p, ToolCall.builder()) : skipCall(p));
                    break;
                case "annotations":
                    readAnnotations(p, d);
                    break;
                default:
                    if (!isNull(p)) {
                        d.extra(field, tree(p));
                    }
            }
        }
        return d.build();
    }

    /** {@code content} sent as an array of parts: the text of the text parts, joined. */
    private static String contentParts(JsonParser p) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_STRING) {
                sb.append(p.getText());
            } else if (t == JsonToken.START_OBJECT) {
                JsonNode part = tree(p);
                JsonNode txt = part.get("text");
                if (txt != null && txt.isTextual()) {
                    sb.append(txt.asText());
                }
            } else {
                p.skipChildren();
            }
        }
        return sb.toString();
    }

    private static void readAnnotations(JsonParser p, Delta.Builder d) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            d.addAnnotation(tree(p));
        }
    }

    private static void readToolCalls(JsonParser p, Delta.Builder d) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            ToolCall.Builder call = ToolCall.builder();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "index":
                        int i = index(p);
                        if (i >= 0) {
                            call.index(i);
                        }
                        break;
                    case "id":
                        call.id(text(p));
                        break;
                    case "type":
                        call.type(text(p));
                        break;
                    case "function":
                        if (p.currentToken() == JsonToken.START_OBJECT) {
                            readFunction(p, call);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
            d.addToolCall(call.build());
        }
    }

    /** Reads {@code {name, arguments}}; arguments sent as a JSON object (Ollama) become their JSON text. */
    private static ToolCall readFunction(JsonParser p, ToolCall.Builder call) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if ("name".equals(field)) {
                call.name(text(p));
            } else if ("arguments".equals(field)) {
                call.arguments(textOrJson(p));
            } else {
                p.skipChildren();
            }
        }
        return call.build();
    }

    private static ToolCall skipCall(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Usage readUsage(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        long prompt = -1;
        long completion = -1;
        long total = -1;
        Map<String, JsonNode> details = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "prompt_tokens":
                    prompt = number(p);
                    break;
                case "completion_tokens":
                    completion = number(p);
                    break;
                case "total_tokens":
                    total = number(p);
                    break;
                default:
                    if (!isNull(p)) {
                        details.put(field, tree(p));
                    }
            }
        }
        if (prompt < 0 && completion < 0 && total < 0 && details.isEmpty()) {
            return null; // "usage":{} carries nothing; it must not replace a real usage
        }
        return Usage.of(prompt, completion, total, details);
    }
}
