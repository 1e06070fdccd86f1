package io.noa.realtime.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A deterministic, realistic OpenAI {@code chat.completion.chunk} event stream of any length — the
 * one stream every benchmark and harness reads, so their figures compare.
 *
 * <p>Event 0 carries the assistant role, events 1 to {@code events - 2} carry one token each
 * (cycling through {@link #TOKENS}: words with leading spaces, punctuation, a JSON-escaped quote and
 * line break, and multibyte UTF-8), the last event carries {@code finish_reason:"stop"}; then comes
 * {@code data: [DONE]}. Every event is framed as {@code data: {...}\n\n}, exactly as OpenAI sends it.
 *
 * <p>Two shapes: {@link Shape#COMPACT} has the fields every OpenAI-compatible server sends (id,
 * object, created, model, choices with index, delta and finish_reason) and averages about 179 bytes
 * per event; {@link Shape#FULL} adds {@code system_fingerprint}, {@code service_tier},
 * {@code logprobs:null} and {@code obfuscation} as today's OpenAI API does (about 279 bytes). A
 * 170-byte event is only possible by dropping required fields, so the benchmarks use these.
 */
public final class OpenAiStream {

    /** Which fields each chunk carries. */
    public enum Shape {
        /** id, object, created, model, choices[index, delta, finish_reason]. */
        COMPACT,
        /** COMPACT plus system_fingerprint, service_tier, logprobs and obfuscation, as OpenAI sends today. */
        FULL
    }

    /** The tokens the content events cycle through, as they appear in the JSON (escaped). */
    static final String[] TOKENS = {
        "Hello", "!", " How", " can", " I", " help", " you", " today", "?", " Streaming",
        " tokens", " over", " server", "-sent", " events", " is", " simple", ":", " each", " chunk",
        " carries", " a", " small", " delta", ".", " Caf\u00e9", " na\u00efve", " \u4e16\u754c", " \uD83D\uDE80",
        " \\\"quoted\\\"", "\\n", " -", " item", " one", "\\n", " -", " item", " two", ",", " and",
        " more", " text", " follows", " until", " the", " model", " stops", "."
    };

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final int events;
    private final Shape shape;
    private final byte[][] templates;

    private OpenAiStream(int events, Shape shape) {
        if (events < 2) {
            throw new IllegalArgumentException("a chat stream needs at least 2 events (role and finish), was " + events);
        }
        this.events = events;
        this.shape = shape;
        this.templates = new byte[TOKENS.length][];
        for (int i = 0; i < TOKENS.length; i++) {
            templates[i] = frame("{\"content\":\"" + TOKENS[i] + "\"}", "null", i);
        }
    }

    /**
     * A stream of {@code events} chunks (plus the {@code [DONE]} line) in the compact shape.
     *
     * @param events how many chunk events, at least 2
     * @return the stream
     */
    public static OpenAiStream of(int events) {
        return new OpenAiStream(events, Shape.COMPACT);
    }

    /**
     * A stream of {@code events} chunks (plus the {@code [DONE]} line).
     *
     * @param events how many chunk events, at least 2
     * @param shape which fields each chunk carries
     * @return the stream
     */
    public static OpenAiStream of(int events, Shape shape) {
        return new OpenAiStream(events, shape);
    }

    /**
     * How many chunk events the stream has (not counting {@code [DONE]}).
     *
     * @return the count
     */
    public int events() {
        return events;
    }

    /**
     * The shape of the chunks.
     *
     * @return the shape
     */
    public Shape shape() {
        return shape;
    }

    /**
     * The bytes of event {@code i} (0-based; {@code i == events()} is the {@code [DONE]} event),
     * framing included. Content events share their arrays: never modify the result.
     *
     * @param i the event's position
     * @return its bytes
     */
    public byte[] event(int i) {
        if (i < 0 || i > events) {
            throw new IndexOutOfBoundsException("event " + i + " of " + events + " (+ [DONE])");
        }
        if (i == events) {
            return DONE;
        }
        if (i == 0) {
            return frame("{\"role\":\"assistant\",\"content\":\"\"}", "null", 0);
        }
        if (i == events - 1) {
            return frame("{}", "\"stop\"", 1);
        }
        return templates[(i - 1) % TOKENS.length];
    }

    /**
     * The whole stream's size in bytes, {@code [DONE]} included.
     *
     * @return the size
     */
    public long totalBytes() {
        long total = 0;
        for (int i = 0; i <= events; i++) {
            total += event(i).length;
        }
        return total;
    }

    /**
     * The average event size in bytes, framing included, {@code [DONE]} excluded.
     *
     * @return bytes per event
     */
    public double bytesPerEvent() {
        return (totalBytes() - DONE.length) / (double) events;
    }

    /**
     * The accumulated assistant content a correct client ends with (JSON escapes resolved).
     *
     * @return the content
     */
    public String content() {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < events - 1; i++) {
            out.append(unescape(TOKENS[(i - 1) % TOKENS.length]));
        }
        return out.toString();
    }

    /**
     * Writes the whole stream.
     *
     * @param out where to
     * @throws IOException if {@code out} fails
     */
    public void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i <= events; i++) {
            out.write(event(i));
        }
    }

    /**
     * The whole stream as one array (178 MB for a million compact events: size the heap).
     *
     * @return the bytes
     */
    public byte[] toByteArray() {
        long total = totalBytes();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(total + " bytes do not fit one array: use writeTo or open()");
        }
        byte[] all = new byte[(int) total];
        int at = 0;
        for (int i = 0; i <= events; i++) {
            byte[] e = event(i);
            System.arraycopy(e, 0, all, at, e.length);
            at += e.length;
        }
        return all;
    }

    /**
     * The stream as an {@link InputStream} that builds it lazily (no whole-stream array).
     *
     * @return a fresh stream positioned at the first event
     */
    public InputStream open() {
        return new InputStream() {
            private int next;
            private byte[] current = new byte[0];
            private int pos;

            private boolean fill() {
                while (pos == current.length) {
                    if (next > events) {
                        return false;
                    }
                    current = event(next++);
                    pos = 0;
                }
                return true;
            }

            @Override
            public int read() {
                return fill() ? current[pos++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int n = 0;
                while (n < len && fill()) {
                    int chunk = Math.min(len - n, current.length - pos);
                    System.arraycopy(current, pos, b, off + n, chunk);
                    pos += chunk;
                    n += chunk;
                }
                return n == 0 ? -1 : n;
            }
        };
    }

    private byte[] frame(String delta, String finish, int variant) {
        StringBuilder json = new StringBuilder(300);
        json.append("data: {\"id\":\"chatcmpl-9x7Zf\",\"object\":\"chat.completion.chunk\",")
                .append("\"created\":1733270400,\"model\":\"gpt-4o-mini\",");
        if (shape == Shape.FULL) {
            json.append("\"service_tier\":\"default\",\"system_fingerprint\":\"fp_0aa8d3e20b\",");
        }
        json.append("\"choices\":[{\"index\":0,\"delta\":").append(delta);
        if (shape == Shape.FULL) {
            json.append(",\"logprobs\":null");
        }
        json.append(",\"finish_reason\":").append(finish).append("}]");
        if (shape == Shape.FULL) {
            json.append(",\"obfuscation\":\"").append("k3Jq9wZ".substring(0, 3 + variant % 5)).append('"');
        }
        json.append("}\n\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String unescape(String token) {
        return token.replace("\\\"", "\"").replace("\\n", "\n");
    }
}
