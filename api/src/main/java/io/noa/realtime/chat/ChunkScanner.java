package io.noa.realtime.chat;

import static io.noa.realtime.chat.OpenAiChunkDecoder.C_DELTA;
import static io.noa.realtime.chat.OpenAiChunkDecoder.C_FINISH;
import static io.noa.realtime.chat.OpenAiChunkDecoder.C_INDEX;
import static io.noa.realtime.chat.OpenAiChunkDecoder.C_LOGPROBS;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_ANNOTATIONS;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_CONTENT;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_FUNCTION;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_REASONING;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_REFUSAL;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_ROLE;
import static io.noa.realtime.chat.OpenAiChunkDecoder.D_TOOLS;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_CHOICES;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_CREATED;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_FINGERPRINT;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_ID;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_MODEL;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_OBJECT;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_TIER;
import static io.noa.realtime.chat.OpenAiChunkDecoder.F_USAGE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.MappingJsonFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the common chat chunk ({@link SimpleChunk}) straight from an event's UTF-8 bytes in one
 * pass, without Jackson: the chat stream's fast path for the event that makes up nearly every
 * stream (one choice, a little content text or one fragment of a tool call's arguments, the
 * repeated metadata). Not API.
 *
 * <p>It reads a strict subset of JSON and <em>declines</em> (answers {@code false}) whatever it
 * would not read exactly as {@link OpenAiChunkDecoder}'s Jackson reader of the common chunk does:
 * field names with an escape or a non-ASCII byte, numbers with a sign other than a leading minus,
 * a fraction, an exponent or more than 18 digits, malformed UTF-8, control characters, unknown
 * escapes, any structure other than the common chunk's, and anything beyond the factory's bounds.
 * What it accepts is standard JSON whose value every JSON parser agrees on, and it fills
 * {@link SimpleChunk} with what the Jackson reader would have put there; on {@code false} the
 * caller reads the event with Jackson, which gives the exact result or error. Only used with a
 * factory that reads plain JSON ({@link #usable(JsonFactory)}).
 *
 * <p>One per chat stream (it keeps a scratch buffer); not thread-safe.
 */
final class ChunkScanner {
    /** The deepest the common chunk goes: object, choices array, choice, delta. */
    private static final int DEPTH = 4;
    /** Longest integer read here; a longer one is declined (Jackson's {@code long} holds 18 digits). */
    private static final int MAX_DIGITS = 18;
    /** Longest field name read here; the known names are far shorter, a longer unknown one is declined. */
    private static final int MAX_NAME = 64;

    private static final byte[] ID = ascii("id");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] OBJECT = ascii("object");
    private static final byte[] CREATED = ascii("created");
    private static final byte[] FINGERPRINT = ascii("system_fingerprint");
    private static final byte[] TIER = ascii("service_tier");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] FINISH = ascii("finish_reason");
    private static final byte[] LOGPROBS = ascii("logprobs");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] FUNCTION_CALL = ascii("function_call");
    private static final byte[] ANNOTATIONS = ascii("annotations");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] FUNCTION = ascii("function");
    private static final byte[] NAME = ascii("name");
    private static final byte[] ARGUMENTS = ascii("arguments");

    /** Values that repeat in every stream; read as these constants instead of a new string. */
    private static final String[] KNOWN = {"assistant", "stop", "length", "tool_calls", "content_filter",
        "function_call"};

    private static final int FAIL = -1;

    private final int maxStringLength;
    private final int maxNumberLength;
    private final int maxNameLength;
    private final RepeatedText repeated;
    /** Characters of a string that is not one of the delta's texts. */
    private final SimpleChunk.Text scratch = new SimpleChunk.Text();

    /** Longest repeated value whose bytes are remembered. */
    private static final int MAX_RAW = 64;
    private static final int SLOTS = 5;

    // the value of the number read last
    private long number;
    // the value of the repeated field read last
    private String value;
    /** Per {@link RepeatedText} slot: the bytes of the last value (no escape inside) and its string. */
    private final byte[][] lastRaw = new byte[SLOTS][];
    private final String[] lastValue = new String[SLOTS];

    ChunkScanner(JsonFactory factory, RepeatedText repeated) {
        StreamReadConstraints c = factory.streamReadConstraints();
        this.maxStringLength = c.getMaxStringLength();
        this.maxNumberLength = Math.min(MAX_DIGITS, c.getMaxNumberLength());
        this.maxNameLength = Math.min(MAX_NAME, c.getMaxNameLength());
        this.repeated = repeated;
    }

    /**
     * Whether the scanner may stand in for {@code factory}'s parser: a plain JSON factory (no
     * input decorator) without duplicate detection, whose document and token counts are unbounded
     * and whose nesting bound admits the common chunk. Leniencies the factory enables change
     * nothing: the scanner declines everything they would admit.
     */
    static boolean usable(JsonFactory factory) {
        Class<?> type = factory.getClass();
        StreamReadConstraints c = factory.streamReadConstraints();
        return (type == JsonFactory.class || type == MappingJsonFactory.class)
                && factory.getInputDecorator() == null
                && !factory.isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                && c.getMaxDocumentLength() <= 0 && c.getMaxTokenCount() <= 0
                && c.getMaxNestingDepth() >= DEPTH;
    }

    /**
     * Reads the one JSON object in {@code a[start, end)} into {@code into}, which is cleared
     * first. {@code a[start]} must be the object's <code>{</code>.
     *
     * @return whether the object is a common chunk read in full; on {@code false}, {@code into} is
     *         unspecified
     */
    boolean scan(byte[] a, int start, int end, SimpleChunk into) {
        into.clear();
        scratch.clear();
        int p = object(a, start + 1, end, into, S_CHUNK);
        return p != FAIL && skipWhitespace(a, p, end) == end;
    }

    // ---- the chunk, its choice and its delta: each returns the position after it, or FAIL ----


    // the objects the scanner reads; each has its field reader and the fields it must have
    private static final int S_CHUNK = 0;
    private static final int S_CHOICE = 1;
    private static final int S_DELTA = 2;
    private static final int S_CALL = 3;
    private static final int S_FUNCTION = 4;

    /** The bit of the field the last field reader read (set after its value, nested objects included). */
    private int fieldBit;

    /**
     * An object's members after its <code>{</code>, each read by the field reader of
     * {@code shape}; a field given twice is declined, as the Jackson reader does. Returns the
     * position after the object's <code>}</code>, or {@link #FAIL}.
     */
    private int object(byte[] a, int p, int end, SimpleChunk into, int shape) {
        int seen = 0;
        p = skipWhitespace(a, p, end);
        if (p < end && a[p] == '}') {
            return REQUIRED[shape] == 0 ? p + 1 : FAIL;
        }
        while (true) {
            p = member(a, p, end);
            if (p == FAIL) {
                return FAIL;
            }
            switch (shape) {
                case S_CHUNK:
                    p = chunkField(a, p, end, into);
                    break;
                case S_CHOICE:
                    p = choiceField(a, p, end, into);
                    break;
                case S_DELTA:
                    p = deltaField(a, p, end, into);
                    break;
                case S_CALL:
                    p = callField(a, p, end, into);
                    break;
                default:
                    p = functionField(a, p, end, into);
            }
            int bit = fieldBit;
            if (p == FAIL || (seen & bit) != 0) {
                return FAIL;
            }
            seen |= bit;
            p = next(a, p, end);
            if (p == FAIL) {
                int required = REQUIRED[shape];
                return (seen & required) != required ? FAIL : closed;
            }
        }
    }

    /**
     * An array of exactly one object of {@code shape}, after its <code>[</code>: the position
     * after its <code>]</code>, or {@link #FAIL} (no object, several, or anything else).
     */
    private int one(byte[] a, int p, int end, SimpleChunk into, int shape) {
        p = skipWhitespace(a, p, end);
        if (p == end || a[p] != '{') {
            return FAIL;
        }
        p = object(a, p + 1, end, into, shape);
        if (p == FAIL) {
            return FAIL;
        }
        p = skipWhitespace(a, p, end);
        return p < end && a[p] == ']' ? p + 1 : FAIL;
    }

    /** One field of the chunk, its value at {@code p}. */
    private int chunkField(byte[] a, int p, int end, SimpleChunk into) {
        byte v = a[p];
        int bit;
        if (named(a, ID)) {
            bit = F_ID;
            p = repeatedOrNull(a, p, end, RepeatedText.ID);
            into.id = ChatJson.emptyToNull(value);
        } else if (named(a, OBJECT)) {
            bit = F_OBJECT;
            p = repeatedOrNull(a, p, end, RepeatedText.OBJECT);
            if (p != FAIL && "error".equals(value)) {
                return FAIL; // an error object: the full path makes the error
            }
        } else if (named(a, CREATED)) {
            bit = F_CREATED;
            if (v == 'n') {
                p = nul(a, p, end);
            } else {
                p = integer(a, p, end);
                into.created = number < 0 ? -1 : number;
            }
        } else if (named(a, MODEL)) {
            bit = F_MODEL;
            p = repeatedOrNull(a, p, end, RepeatedText.MODEL);
            into.model = ChatJson.emptyToNull(value);
        } else if (named(a, CHOICES)) {
            if (v != '[') {
                return FAIL;
            }
            p = one(a, p + 1, end, into, S_CHOICE); // exactly one choice object
            bit = F_CHOICES;
        } else if (named(a, FINGERPRINT)) {
            bit = F_FINGERPRINT;
            p = repeatedOrNull(a, p, end, RepeatedText.FINGERPRINT);
            into.systemFingerprint = ChatJson.emptyToNull(value);
        } else if (named(a, TIER)) {
            bit = F_TIER;
            p = repeatedOrNull(a, p, end, RepeatedText.SERVICE_TIER);
            into.serviceTier = ChatJson.emptyToNull(value);
        } else if (named(a, USAGE)) {
            bit = F_USAGE;
            p = nul(a, p, end);
        } else {
            if (named(a, ERROR)) {
                return FAIL; // an error: the full path
            }
            bit = 0;
            p = nul(a, p, end); // an unknown null is ignored; anything else is an extra
        }
        fieldBit = bit;
        return p;
    }


    /** One field of the choice, its value at {@code p}. */
    private int choiceField(byte[] a, int p, int end, SimpleChunk into) {
        byte v = a[p];
        int bit;
        if (named(a, DELTA)) {
            if (v != '{') {
                return FAIL;
            }
            p = object(a, p + 1, end, into, S_DELTA);
            bit = C_DELTA;
        } else if (named(a, INDEX)) {
            bit = C_INDEX;
            p = integer(a, p, end); // null or anything else is declined, as the Jackson reader does
            into.index = number < 0 || number > Integer.MAX_VALUE ? 0 : (int) number;
        } else if (named(a, FINISH)) {
            bit = C_FINISH;
            if (v == '"') {
                p = string(a, p + 1, end, scratch);
                into.finishReason = p == FAIL ? null : known(scratch);
            } else {
                p = nul(a, p, end);
            }
        } else if (named(a, LOGPROBS)) {
            bit = C_LOGPROBS;
            p = nul(a, p, end);
        } else {
            if (named(a, MESSAGE)) {
                return FAIL;
            }
            bit = 0;
            p = nul(a, p, end);
        }
        fieldBit = bit;
        return p;
    }


    /** One field of the delta, its value at {@code p}. */
    private int deltaField(byte[] a, int p, int end, SimpleChunk into) {
        boolean text = a[p] == '"';
        int bit;
        if (a[p] == '[' && named(a, TOOL_CALLS)) {
            p = one(a, p + 1, end, into, S_CALL); // exactly one fragment with an index, or declined
            into.hasCall = p != FAIL;
            bit = D_TOOLS;
        } else if (!text && (p = nul(a, p, end)) == FAIL) {
            return FAIL; // arrays of parts, numbers, objects: declined
        } else if (named(a, CONTENT)) {
            bit = D_CONTENT;
            if (text) {
                p = string(a, p + 1, end, into.content);
            }
        } else if (named(a, ROLE)) {
            bit = D_ROLE;
            if (text) {
                p = string(a, p + 1, end, scratch);
                into.role = p == FAIL ? null : known(scratch);
            }
        } else if (named(a, REASONING_CONTENT) || named(a, REASONING)) {
            bit = D_REASONING; // both in one delta: the full path joins them
            if (text) {
                p = string(a, p + 1, end, into.reasoning);
            }
        } else if (named(a, REFUSAL)) {
            bit = D_REFUSAL;
            if (text) {
                p = string(a, p + 1, end, into.refusal);
            }
        } else if (named(a, TOOL_CALLS)) {
            bit = D_TOOLS; // null
        } else if (named(a, FUNCTION_CALL)) {
            bit = D_FUNCTION;
        } else if (named(a, ANNOTATIONS)) {
            bit = D_ANNOTATIONS;
        } else {
            bit = 0;
        }
        if (text && (bit == 0 || bit >= D_TOOLS)) {
            return FAIL; // an extra, or a tool call / annotations as a string: the full path
        }
        fieldBit = bit;
        return p;
    }

    private static final int T_INDEX = 1;
    private static final int T_ID = 1 << 1;
    private static final int T_TYPE = 1 << 2;
    private static final int T_FUNCTION = 1 << 3;
    private static final int T_NAME = 1 << 4;
    private static final int T_ARGUMENTS = 1 << 5;
    /** Per object shape ({@code S_*}), the fields it must have. */
    private static final int[] REQUIRED = {F_CHOICES, 0, 0, T_INDEX, 0};

    /**
     * One field of a {@code tool_calls} fragment, its value at {@code p}: a non-negative integer
     * {@code index} (required), {@code id} and {@code type} (strings or null) and a
     * {@code function} object; anything else (other fields, arguments as JSON) is declined.
     */
    private int callField(byte[] a, int p, int end, SimpleChunk into) {
        int bit;
        if (named(a, INDEX)) {
            bit = T_INDEX;
            p = integer(a, p, end);
            if (number < 0 || number > Integer.MAX_VALUE) {
                return FAIL; // the full path keeps no index then, and merges another way
            }
            into.callIndex = (int) number;
        } else if (named(a, ID)) {
            bit = T_ID;
            p = stringOrNull(a, p, end);
            into.callId = value;
        } else if (named(a, TYPE)) {
            bit = T_TYPE;
            p = stringOrNull(a, p, end);
            into.callType = value;
        } else if (named(a, FUNCTION) && a[p] == '{') {
            p = object(a, p + 1, end, into, S_FUNCTION);
            bit = T_FUNCTION;
        } else {
            return FAIL;
        }
        fieldBit = bit;
        return p;
    }

    /** One field of a tool call's {@code function}: {@code name} (string or null), {@code arguments} (a string). */
    private int functionField(byte[] a, int p, int end, SimpleChunk into) {
        int bit;
        if (named(a, NAME)) {
            bit = T_NAME;
            p = stringOrNull(a, p, end);
            into.callName = value;
        } else if (named(a, ARGUMENTS) && a[p] == '"') {
            bit = T_ARGUMENTS;
            p = string(a, p + 1, end, into.callArguments);
        } else {
            return FAIL;
        }
        fieldBit = bit;
        return p;
    }

    /** A repeated field's string ({@link #repeated}) or {@code null} (then {@link #value} is null) at {@code p}. */
    private int repeatedOrNull(byte[] a, int p, int end, int slot) {
        if (a[p] == '"') {
            return repeated(a, p + 1, end, slot);
        }
        value = null;
        return nul(a, p, end);
    }

    /** A string (into {@link #value}, {@code null} when empty) or {@code null} at {@code p}. */
    private int stringOrNull(byte[] a, int p, int end) {
        if (a[p] != '"') {
            value = null;
            return nul(a, p, end);
        }
        p = string(a, p + 1, end, scratch);
        value = p == FAIL || scratch.length == 0 ? null : new String(scratch.chars, 0, scratch.length);
        return p;
    }

    // ---- tokens ----

    /** Where the object closed by {@link #next} ends (after its <code>}</code>). */
    private int closed;
    // the field name read last by member(): read before its value, so nested objects may reuse them
    private int nameStart;
    private int nameLength;

    /**
     * After a member's value: at a comma, the position of the next member's name (its quote);
     * at the object's <code>}</code>, {@link #FAIL} with {@link #closed} set after the brace; on
     * anything else {@link #FAIL} with {@code closed} set to {@link #FAIL}.
     */
    private int next(byte[] a, int p, int end) {
        p = skipWhitespace(a, p, end);
        if (p < end) {
            byte b = a[p];
            if (b == ',') {
                p = skipWhitespace(a, p + 1, end);
                if (p < end && a[p] == '"') {
                    return p;
                }
            } else if (b == '}') {
                closed = p + 1;
                return FAIL;
            }
        }
        closed = FAIL;
        return FAIL;
    }

    /**
     * A field name at {@code p} (its opening quote): plain ASCII without escapes, at most
     * {@link #maxNameLength} bytes. Returns the position of its closing quote.
     */
    private int name(byte[] a, int p, int end) {
        if (p >= end || a[p] != '"') {
            return FAIL;
        }
        int limit = Math.min(end, p + 1 + maxNameLength + 1);
        for (int i = p + 1; i < limit; i++) {
            byte b = a[i];
            if (b == '"') {
                return i;
            }
            if (b < 0x20 || b == '\\') { // control, escape, or (negative) non-ASCII
                return FAIL;
            }
        }
        return FAIL;
    }

    /**
     * A member at {@code p} (its name's opening quote): the name, white space, the colon, white
     * space. Returns the position of the value and sets {@link #nameStart} and
     * {@link #nameLength}, or {@link #FAIL}.
     */
    private int member(byte[] a, int p, int end) {
        int close = name(a, p, end);
        if (close == FAIL) {
            return FAIL;
        }
        nameStart = p + 1;
        nameLength = close - nameStart;
        return colonAndValue(a, close + 1, end);
    }

    /** Whether the name {@link #member} read last is {@code name}. */
    private boolean named(byte[] a, byte[] name) {
        return is(a, nameStart, nameLength, name);
    }

    /** The colon after a name (white space around it) and the start of the value. */
    private static int colonAndValue(byte[] a, int p, int end) {
        p = skipWhitespace(a, p, end);
        if (p >= end || a[p] != ':') {
            return FAIL;
        }
        p = skipWhitespace(a, p + 1, end);
        return p < end ? p : FAIL;
    }

    /** The literal {@code null} at {@code p}. */
    private static int nul(byte[] a, int p, int end) {
        if (p + 4 <= end && a[p] == 'n' && a[p + 1] == 'u' && a[p + 2] == 'l' && a[p + 3] == 'l') {
            return p + 4; // what follows is checked by the caller (a delimiter or FAIL)
        }
        return FAIL;
    }

    /**
     * An integer at {@code p}: an optional minus, then {@code 0} or a non-zero digit and more
     * digits, at most {@link #maxNumberLength} digits, not followed by a fraction, exponent or
     * another digit. Sets {@link #number}.
     */
    private int integer(byte[] a, int p, int end) {
        boolean negative = p < end && a[p] == '-';
        int i = negative ? p + 1 : p;
        int first = i;
        long v = 0;
        while (i < end) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            i++;
        }
        int digits = i - first;
        if (digits == 0 || digits + (negative ? 1 : 0) > maxNumberLength || (digits > 1 && a[first] == '0')) {
            return FAIL; // no digit, too long, or a leading zero (an error for Jackson)
        }
        if (i < end && (a[i] == '.' || a[i] == 'e' || a[i] == 'E')) {
            return FAIL; // a fraction or exponent: not an integer token
        }
        number = negative ? -v : v;
        return i;
    }

    /**
     * A string value after its opening quote, decoded into {@code into} (marked present). Returns
     * the position after the closing quote, or {@link #FAIL} for a control character, an unknown
     * escape, malformed UTF-8 or a string longer than the factory allows.
     */
    private int string(byte[] a, int p, int end, SimpleChunk.Text into) {
        char[] c = into.chars;
        int n = 0;
        int i = p;
        while (true) {
            // a run of plain ASCII: found, then copied
            int run = i;
            while (run < end) {
                byte b = a[run];
                if (b < 0x20 || b == '"' || b == '\\') {
                    break; // also every non-ASCII byte (negative)
                }
                run++;
            }
            int k = run - i;
            if (k > 0) {
                if (n + k > c.length) {
                    c = grow(into, n, n + k);
                }
                for (int j = 0; j < k; j++) {
                    c[n + j] = (char) a[i + j];
                }
                n += k;
                i = run;
            }
            if (i >= end) {
                return FAIL;
            }
            int b = a[i];
            if (b == '"') {
                if (n > maxStringLength) {
                    return FAIL;
                }
                into.length = n;
                into.present = true;
                return i + 1;
            }
            if (n + 2 > c.length) {
                c = grow(into, n, n + 2);
            }
            if (b == '\\') {
                if (i + 1 >= end) {
                    return FAIL;
                }
                int e = a[i + 1];
                char ch;
                switch (e) {
                    case '"': ch = '"'; break;
                    case '\\': ch = '\\'; break;
                    case '/': ch = '/'; break;
                    case 'b': ch = '\b'; break;
                    case 'f': ch = '\f'; break;
                    case 'n': ch = '\n'; break;
                    case 'r': ch = '\r'; break;
                    case 't': ch = '\t'; break;
                    case 'u':
                        if (i + 6 > end) {
                            return FAIL;
                        }
                        int h = hex(a[i + 2]) << 12 | hex(a[i + 3]) << 8 | hex(a[i + 4]) << 4 | hex(a[i + 5]);
                        if (h < 0) {
                            return FAIL;
                        }
                        c[n++] = (char) h; // a lone surrogate too, as Jackson reads it
                        i += 6;
                        continue;
                    default:
                        return FAIL;
                }
                c[n++] = ch;
                i += 2;
                continue;
            }
            if (b >= 0) {
                return FAIL; // a control character
            }
            // well-formed UTF-8 only: no overlong form, no encoded surrogate, nothing above U+10FFFF
            b &= 0xFF;
            if (b < 0xC2) {
                return FAIL;
            } else if (b < 0xE0) {
                if (i + 1 >= end || (a[i + 1] & 0xC0) != 0x80) {
                    return FAIL;
                }
                c[n++] = (char) ((b & 0x1F) << 6 | (a[i + 1] & 0x3F));
                i += 2;
            } else if (b < 0xF0) {
                if (i + 2 >= end) {
                    return FAIL;
                }
                int b1 = a[i + 1] & 0xFF;
                if (b1 < (b == 0xE0 ? 0xA0 : 0x80) || b1 > (b == 0xED ? 0x9F : 0xBF) || (a[i + 2] & 0xC0) != 0x80) {
                    return FAIL;
                }
                c[n++] = (char) ((b & 0x0F) << 12 | (b1 & 0x3F) << 6 | (a[i + 2] & 0x3F));
                i += 3;
            } else if (b < 0xF5) {
                if (i + 3 >= end) {
                    return FAIL;
                }
                int b1 = a[i + 1] & 0xFF;
                if (b1 < (b == 0xF0 ? 0x90 : 0x80) || b1 > (b == 0xF4 ? 0x8F : 0xBF)
                        || (a[i + 2] & 0xC0) != 0x80 || (a[i + 3] & 0xC0) != 0x80) {
                    return FAIL;
                }
                int cp = (b & 0x07) << 18 | (b1 & 0x3F) << 12 | (a[i + 2] & 0x3F) << 6 | (a[i + 3] & 0x3F);
                c[n++] = Character.highSurrogate(cp);
                c[n++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                return FAIL;
            }
        }
    }

    private static char[] grow(SimpleChunk.Text t, int used, int needed) {
        char[] bigger = new char[Math.max(needed, t.chars.length * 2)];
        System.arraycopy(t.chars, 0, bigger, 0, used);
        t.chars = bigger;
        return bigger;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1 << 16; // negative in any of the four positions
    }

    /**
     * A string value of a field that repeats in every chunk ({@code id}, {@code model}, ...),
     * after its opening quote, into {@link #value}. When its bytes are those of the slot's last
     * value (which had no escape), that value's string is reused without decoding; else the
     * string is decoded and {@link RepeatedText} (shared by the decoder's streams) gives it.
     */
    private int repeated(byte[] a, int p, int end, int slot) {
        byte[] raw = lastRaw[slot];
        if (raw != null) {
            int q = p + raw.length;
            if (q < end && a[q] == '"' && Arrays.equals(a, p, q, raw, 0, raw.length)) {
                value = lastValue[slot]; // the bytes of an earlier value: no quote or escape inside
                return q + 1;
            }
        }
        int after = string(a, p, end, scratch);
        if (after == FAIL) {
            return FAIL;
        }
        value = repeated.text(scratch.chars, scratch.length, slot);
        int n = after - 1 - p;
        if (n <= MAX_RAW && indexOfBackslash(a, p, after - 1) < 0) {
            lastRaw[slot] = Arrays.copyOfRange(a, p, after - 1);
            lastValue[slot] = value;
        }
        return after;
    }

    private static int indexOfBackslash(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == '\\') {
                return i;
            }
        }
        return -1;
    }

    /** The scratch string, as one of the {@link #KNOWN} constants when it is one; {@code null} when empty. */
    private static String known(SimpleChunk.Text t) {
        if (t.length == 0) {
            return null;
        }
        for (String k : KNOWN) {
            if (k.length() == t.length && same(k, t.chars)) {
                return k;
            }
        }
        return new String(t.chars, 0, t.length);
    }

    private static boolean same(String s, char[] c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != c[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean is(byte[] a, int from, int n, byte[] name) {
        if (n != name.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int skipWhitespace(byte[] a, int i, int end) {
        return Utf8Bytes.skipJsonWhitespace(a, i, end);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
