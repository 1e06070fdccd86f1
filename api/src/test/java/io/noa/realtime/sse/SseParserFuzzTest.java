package io.noa.realtime.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.noa.realtime.LimitExceededException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target for {@link SseParser}: arbitrary bytes, fed whole, byte by byte and in random splits
 * (byte arrays, heap buffers with an offset, direct and read-only buffers), under the default bounds
 * and under small ones. Checks the parser's documented contract:
 *
 * <ul>
 *   <li>only {@link LimitExceededException} escapes {@code feed}, and only when a line or an event's
 *       data really exceeds its bound;
 *   <li>the callbacks, the limit error and the last event id are the same however the input is split,
 *       and equal those of a naive byte-level oracle written from the WHATWG rules;
 *   <li>every reported value respects the configured bounds;
 *   <li>after a limit error every {@code feed} is refused with {@link IllegalStateException} and
 *       reports nothing; {@code reset()} keeps the last event id and the parser then reads a new
 *       stream (BOM included) normally.
 * </ul>
 *
 * <p>In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/io/noa/realtime/sse/SseParserFuzzTestInputs/anyInputAnySplit}; with
 * {@code JAZZER_FUZZ=1} Jazzer fuzzes it (see RELIABILITY.md).
 */
class SseParserFuzzTest {
    private static final int DEFAULT = SseParser.DEFAULT_MAX_LINE_BYTES;
    private static final int RANDOM_SPLITS = 3;

    @FuzzTest(maxDuration = "10m")
    void anyInputAnySplit(byte[] input) {
        int h = Arrays.hashCode(input);
        int[][] bounds = {
            {DEFAULT, SseParser.DEFAULT_MAX_EVENT_BYTES},
            {16, 32},
            {1 + (h & 63), 1 + ((h >>> 6) & 255)},
        };
        for (int[] b : bounds) {
            check(input, b[0], b[1], new Random(h ^ (31L * b[0] + b[1])));
        }
    }

    private static void check(byte[] input, int maxLine, int maxEvent, Random rnd) {
        Outcome expected = Oracle.run(input, maxLine, maxEvent);

        // whole, through feed(byte[], int, int), with the input inside a larger array
        byte[] padded = new byte[input.length + 4];
        Arrays.fill(padded, (byte) '\n');
        System.arraycopy(input, 0, padded, 2, input.length);
        assertSame(expected, run(input, maxLine, maxEvent, new int[0], i -> 0, padded, 2), "whole", input);

        // one byte per call
        int[] everyByte = new int[Math.max(0, input.length - 1)];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertSame(expected, run(input, maxLine, maxEvent, everyByte, i -> i % 4, null, 0), "byte by byte", input);

        // random cut points, each piece as a random kind of buffer
        for (int k = 0; k < RANDOM_SPLITS && input.length > 1; k++) {
            int[] cuts = rnd.ints(1 + rnd.nextInt(Math.min(16, input.length - 1)), 1, input.length)
                    .sorted().distinct().toArray();
            long kinds = rnd.nextLong();
            assertSame(expected, run(input, maxLine, maxEvent, cuts, i -> (int) ((kinds >>> (2 * (i % 32))) & 3), null, 0),
                    "cuts " + Arrays.toString(cuts), input);
        }
    }

    private static void assertSame(Outcome expected, Outcome actual, String how, byte[] input) {
        if (actual.calls.equals(expected.calls) && Objects.equals(actual.limitSetting, expected.limitSetting)
                && Objects.equals(actual.lastEventId, expected.lastEventId)) {
            return;
        }
        String what = how + " of " + show(input);
        assertThat(actual.calls).as("callbacks, %s", what).isEqualTo(expected.calls);
        assertThat(actual.limitSetting).as("limit error, %s", what).isEqualTo(expected.limitSetting);
        assertThat(actual.lastEventId).as("last event id, %s", what).isEqualTo(expected.lastEventId);
    }

    /** The input as Java string literal text, shortened: for failure messages. */
    static String show(byte[] input) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < input.length && sb.length() < 300; i++) {
            int b = input[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02X", b));
            }
        }
        return sb.append(input.length > 300 ? "\"... (" + input.length + " bytes)" : "\"").toString();
    }

    private static final ThreadLocal<ByteBuffer> DIRECT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(8192));

    /** After a limit error, feed must throw IllegalStateException (and nothing else). */
    private static void refused(Runnable feed) {
        try {
            feed.run();
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("feed after a limit error was not refused");
    }

    /** A plain check for the hot path (AssertJ per callback would slow the fuzzer down a lot). */
    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** Which buffer kind piece {@code i} is fed as: 0 array, 1 heap slice, 2 direct, 3 read-only. */
    private interface Kinds {
        int of(int piece);
    }

    private static Outcome run(byte[] input, int maxLine, int maxEvent, int[] cuts, Kinds kinds, byte[] whole,
            int wholeOffset) {
        BoundedRecorder rec = new BoundedRecorder(maxLine, maxEvent);
        SseParser parser = new SseParser(rec, maxLine, maxEvent);
        LimitExceededException limit = null;
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
            int to = k < cuts.length ? cuts[k] : input.length;
            if (limit != null) {
                int before = rec.all.size();
                int piece = k;
                int f = from;
                int t = to;
                refused(() -> feed(parser, input, f, t, kinds.of(piece)));
                check(rec.all.size() == before, "nothing reported after a limit error");
            } else {
                try {
                    if (whole != null) {
                        parser.feed(whole, wholeOffset, input.length);
                    } else {
                        feed(parser, input, from, to, kinds.of(k));
                    }
                } catch (LimitExceededException e) {
                    check(e.setting().equals("maxLineBytes") ? e.limit() == maxLine
                            : e.setting().equals("maxEventBytes") && e.limit() == maxEvent, "limit error names its setting");
                    limit = e;
                }
            }
            from = to;
        }
        Outcome out = new Outcome(new ArrayList<>(rec.all), limit == null ? null : limit.setting(), parser.lastEventId().orElse(null));
        if (limit != null) {
            // still refused, even for nothing at all, until reset
            refused(() -> parser.feed(new byte[0], 0, 0));
            refused(() -> parser.feed(ByteBuffer.wrap(new byte[] {'\n'})));
        }
        // finish() (also after a failure) makes the parser ready for a new stream, BOM included,
        // keeping the last event id
        parser.finish();
        check(Objects.equals(parser.lastEventId().orElse(null), out.lastEventId), "last event id kept by finish()");
        int before = rec.all.size();
        boolean roomy = maxLine >= 7 && maxEvent >= 2;
        byte[] fresh = roomy
                ? new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'd', 'a', 't', 'a', ':', 'o', 'k', '\n', '\n'}
                : new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, ':', '\n'};
        parser.feed(ByteBuffer.wrap(fresh));
        check(rec.all.subList(before, rec.all.size())
                .equals(List.of(roomy ? SseEvent.of(out.lastEventId, "message", "ok") : "comment:")),
                "a new stream after finish() gives its event, BOM skipped");
        return out;
    }

    private static void feed(SseParser p, byte[] src, int from, int to, int kind) {
        int n = to - from;
        switch (kind) {
            case 0:
                p.feed(src, from, n);
                return;
            case 1: {
                byte[] big = new byte[n + 7];
                Arrays.fill(big, (byte) '\r');
                System.arraycopy(src, from, big, 5, n);
                ByteBuffer slice = ByteBuffer.wrap(big, 3, n + 4).slice();
                slice.position(2).limit(2 + n);
                p.feed(slice);
                check(!slice.hasRemaining(), "a heap buffer is consumed");
                return;
            }
            case 2: {
                // one reused direct buffer: allocating direct memory per piece would dominate the run
                ByteBuffer direct = DIRECT.get();
                if (direct.capacity() < n + 2) {
                    direct = ByteBuffer.allocateDirect(Math.max(n + 2, 2 * direct.capacity()));
                    DIRECT.set(direct);
                }
                direct.clear();
                direct.put((byte) '\n').put(src, from, n).put((byte) '\n').flip().position(1).limit(1 + n);
                p.feed(direct);
                check(!direct.hasRemaining(), "a direct buffer is consumed");
                return;
            }
            default: {
                ByteBuffer ro = ByteBuffer.wrap(src, from, n).asReadOnlyBuffer();
                p.feed(ro);
                check(!ro.hasRemaining(), "a read-only buffer is consumed");
            }
        }
    }

    /** What a run produced. */
    private static final class Outcome {
        final List<Object> calls;
        final String limitSetting;
        final String lastEventId;

        Outcome(List<Object> calls, String limitSetting, String lastEventId) {
            this.calls = calls;
            this.limitSetting = limitSetting;
            this.lastEventId = lastEventId;
        }
    }

    /**
     * Records like {@link Recorder} and checks every value against the bounds at once: each byte of
     * input gives at most one UTF-16 unit, so no value can be longer in chars than its bound in bytes.
     */
    private static final class BoundedRecorder implements SseParser.Handler {
        final List<Object> all = new ArrayList<>();
        private final int maxLine;
        private final int maxEvent;

        BoundedRecorder(int maxLine, int maxEvent) {
            this.maxLine = maxLine;
            this.maxEvent = maxEvent;
        }

        @Override
        public void onEvent(SseEvent event) {
            check(event.data().length() <= maxEvent, "event data within maxEventBytes");
            // the type is the default "message" or came from one line
            check(event.event().equals("message") || (!event.event().isEmpty() && event.event().length() <= maxLine),
                    "event type within maxLineBytes");
            String id = event.idOrNull();
            check(id == null || (!id.isEmpty() && id.length() <= maxLine && id.indexOf('\0') < 0
                    && id.indexOf('\r') < 0 && id.indexOf('\n') < 0), "event id is null or a valid id");
            all.add(event);
        }

        @Override
        public void onComment(String comment) {
            check(comment.length() < maxLine, "comment within maxLineBytes");
            all.add("comment:" + comment);
        }

        @Override
        public void onRetry(long millis) {
            check(millis >= 0, "retry not negative");
            all.add("retry:" + millis);
        }

        @Override
        public void onField(String name, String value) {
            check(name.length() + value.length() <= maxLine, "field within maxLineBytes");
            all.add("field:" + name + "=" + value);
        }
    }

    /**
     * A deliberately naive reading of the WHATWG "event stream interpretation" on bytes, with the
     * parser's documented bounds: find each line end, check the line's length, interpret the line.
     * Decodes with its own WHATWG UTF-8 decoder (each maximal invalid subpart is one U+FFFD).
     */
    static final class Oracle {
        private Oracle() {}

        static Outcome run(byte[] in, int maxLine, int maxEvent) {
            List<Object> calls = new ArrayList<>();
            int n = in.length;
            int i = n >= 3 && (in[0] & 0xFF) == 0xEF && (in[1] & 0xFF) == 0xBB && (in[2] & 0xFF) == 0xBF ? 3 : 0;
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            String type = "";
            String idBuffer = null;
            String last = null;
            while (true) {
                int j = i;
                while (j < n && in[j] != '\r' && in[j] != '\n') {
                    j++;
                }
                if (j - i > maxLine) {
                    return new Outcome(calls, "maxLineBytes", last);
                }
                if (j == n) {
                    break; // an unterminated line is never interpreted
                }
                byte[] line = Arrays.copyOfRange(in, i, j);
                i = j + 1;
                if (in[j] == '\r' && i < n && in[i] == '\n') {
                    i++;
                }
                if (line.length == 0) {
                    last = idBuffer;
                    if (data.size() > 0) {
                        byte[] d = data.toByteArray();
                        calls.add(SseEvent.of(last, type, decode(Arrays.copyOf(d, d.length - 1))));
                    }
                    data.reset();
                    type = "";
                    continue;
                }
                if (line[0] == ':') {
                    int s = line.length > 1 && line[1] == ' ' ? 2 : 1;
                    calls.add("comment:" + decode(Arrays.copyOfRange(line, s, line.length)));
                    continue;
                }
                int colon = 0;
                while (colon < line.length && line[colon] != ':') {
                    colon++;
                }
                String name = new String(line, 0, colon, StandardCharsets.ISO_8859_1);
                int vs = Math.min(colon + 1, line.length);
                if (vs < line.length && line[vs] == ' ') {
                    vs++;
                }
                byte[] value = Arrays.copyOfRange(line, vs, line.length);
                switch (name) {
                    case "data":
                        if (data.size() + value.length > maxEvent) {
                            return new Outcome(calls, "maxEventBytes", last);
                        }
                        data.writeBytes(value);
                        data.write('\n');
                        break;
                    case "event":
                        type = decode(value);
                        break;
                    case "id":
                        boolean nul = false;
                        for (byte b : value) {
                            nul |= b == 0;
                        }
                        if (!nul) {
                            idBuffer = value.length == 0 ? null : decode(value);
                        }
                        break;
                    case "retry":
                        String digits = new String(value, StandardCharsets.ISO_8859_1);
                        if (!digits.isEmpty() && digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                            java.math.BigInteger v = new java.math.BigInteger(digits);
                            calls.add("retry:" + v.min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
                        }
                        break;
                    default:
                        calls.add("field:" + decode(Arrays.copyOf(line, colon)) + "=" + decode(value));
                }
            }
            return new Outcome(calls, null, last);
        }

        /**
         * UTF-8 to UTF-16 the WHATWG way, phrased as "maximal subparts": a lead byte says how many
         * continuation bytes follow and which range the first of them must be in; a well-formed
         * sequence is one code point, otherwise the bytes that did fit become one U+FFFD.
         */
        static String decode(byte[] b) {
            StringBuilder sb = new StringBuilder(b.length);
            int i = 0;
            while (i < b.length) {
                int c = b[i] & 0xFF;
                int len;
                int lo = 0x80;
                int hi = 0xBF;
                if (c < 0x80) {
                    sb.append((char) c);
                    i++;
                    continue;
                } else if (c >= 0xC2 && c <= 0xDF) {
                    len = 2;
                } else if (c >= 0xE0 && c <= 0xEF) {
                    len = 3;
                    lo = c == 0xE0 ? 0xA0 : 0x80;
                    hi = c == 0xED ? 0x9F : 0xBF;
                } else if (c >= 0xF0 && c <= 0xF4) {
                    len = 4;
                    lo = c == 0xF0 ? 0x90 : 0x80;
                    hi = c == 0xF4 ? 0x8F : 0xBF;
                } else {
                    sb.append('\uFFFD');
                    i++;
                    continue;
                }
                int cp = c & (0xFF >> (len + 1));
                int k = 1;
                for (; k < len && i + k < b.length; k++) {
                    int cc = b[i + k] & 0xFF;
                    int min = k == 1 ? lo : 0x80;
                    int max = k == 1 ? hi : 0xBF;
                    if (cc < min || cc > max) {
                        break;
                    }
                    cp = (cp << 6) | (cc & 0x3F);
                }
                if (k == len) {
                    sb.appendCodePoint(cp);
                } else {
                    sb.append('\uFFFD');
                }
                i += k;
            }
            return sb.toString();
        }
    }

    /** The oracle's decoder on the cases where the JDK and WHATWG differ, and on a split character. */
    @Test
    void oracleDecodesTheWhatwgWay() {
        assertThat(Oracle.decode(Recorder.bytes(0xED, 0xA0, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(Oracle.decode(Recorder.bytes(0xF0, 0x9F, 0x98, 'c'))).isEqualTo("\uFFFDc");
        assertThat(Oracle.decode(Recorder.bytes(0xE0, 0x80, 0x41))).isEqualTo("\uFFFD\uFFFDA");
        assertThat(Oracle.decode(Recorder.bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
        assertThat(Oracle.decode(Recorder.utf8("h\u00e9\u20ac\uD83D\uDE00"))).isEqualTo("h\u00e9\u20ac\uD83D\uDE00");
        assertThat(Oracle.decode(Recorder.bytes(0xC3))).isEqualTo("\uFFFD");
    }
}
