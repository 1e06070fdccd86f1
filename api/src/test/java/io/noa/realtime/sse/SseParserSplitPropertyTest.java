package io.noa.realtime.sse;

import static io.noa.realtime.sse.Recorder.bytes;
import static io.noa.realtime.sse.Recorder.concat;
import static io.noa.realtime.sse.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each test stream: the parser fed all at once agrees with a naive String-based oracle, and
 * 1,200 seeded random splits (1-byte pieces, random cut points; byte arrays, heap buffers with a
 * non-zero array offset and position, direct and read-only buffers) give exactly the same
 * events, comments, retries, fields and last event id.
 */
class SseParserSplitPropertyTest {
    private static final int SPLITS_PER_STREAM = 1_200;
    private static final byte[] BOM = bytes(0xEF, 0xBB, 0xBF);

    static List<Object[]> streams() {
        String chunk = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"h\u00e9\"}}]}";
        String longText = "\u00e9\u20ac\uD83D\uDE00abc".repeat(2_000);
        return List.of(
                stream("openai-crlf", utf8(("data: " + chunk + "\r\n\r\n").repeat(3) + ": keep-alive\r\n\r\n"
                        + "data: [DONE]\r\n\r\n")),
                stream("bom-cr-multibyte", concat(BOM, utf8("id: 1\rdata: h\u00e9llo\rdata: \u65e5\u672c\uD83D\uDE00\r\r"
                        + "data: \u00a0\r\r"))),
                stream("anthropic-like", utf8("event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
                        + ": ping\n\nevent: content_block_delta\nid: 7\ndata: {\"delta\":\"\u00fc\"}\n\n"
                        + "retry: 2500\n\nevent: message_stop\ndata: {}\n\n")),
                stream("mixed-line-ends", utf8("data: 1\rdata: 2\ndata: 3\r\n\ndata: 4\n\r\n\r\r\n\ndata:5\r\r\n"
                        + "\r\r\ndata: 6\r\n\r")),
                stream("invalid-utf8-and-late-bom", concat(BOM, utf8("data: a"), bytes(0xFF), utf8("b"),
                        bytes(0xF0, 0x9F, 0x98), utf8("c\n"), BOM, utf8("x: y\ndata: "), BOM, bytes(0xC3),
                        utf8("\n\n"))),
                stream("ids-and-fields", concat(utf8("id: a\n\nid:\ndata: 1\n\nid: b"), bytes(0), utf8("c\ndata: 2\n\n"
                        + "Data: no\nfoo\nerror: {\"e\":1}\nid\n\ndata\n\nid: \u2603\ndata: snow\n\n"))),
                stream("unterminated-tail", utf8("data: a\n\ndata: b\nid: 9\nevent: x\ndata: c")),
                stream("retry-values", utf8("retry: 100\nretry: 99999999999999999999999\nretry: 1x\nretry:\nretry\n"
                        + "retry:  5\ndata: z\n\n")),
                stream("long-lines", utf8("data: " + longText + "\n: " + "x".repeat(9_000) + "\r\nevent: "
                        + "e".repeat(300) + "\r\n\r\nid: " + "7".repeat(5_000) + "\n\ndata: tail\n\n")),
                stream("comments-and-empties", utf8(":\n: \n:x\r\ndata:\n\ndata:\ndata:\n\n\r: \u00e9\r\n\n")),
                stream("random-tokens", randomStream(new Random(42), 600)),
                stream("bom-prefix-only", concat(bytes(0xEF, 0xBB), utf8("data: q\n\n"))));
    }

    private static Object[] stream(String name, byte[] bytes) {
        return new Object[] {name, bytes};
    }

    private static byte[] randomStream(Random rnd, int tokens) {
        String[] pieces = {"data", "data:", "data: ", "event: ", "id: ", "id:", "retry: ", "retry: 12", ":", ": c",
            "x", "tok", "\u00e9", "\u20ac", "\uD83D\uDE00", " ", ":", "\n", "\n", "\r", "\r\n", "\n\n", "\r\r",
            "Event: ", "error: ", "9"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(BOM);
        for (int i = 0; i < tokens; i++) {
            int r = rnd.nextInt(pieces.length + 2);
            if (r == pieces.length) {
                out.write(0xFF); // invalid UTF-8 (JDK and WHATWG agree on a lone FF)
            } else if (r == pieces.length + 1) {
                out.write(0); // NUL, e.g. inside an id
            } else {
                out.writeBytes(utf8(pieces[r]));
            }
        }
        out.writeBytes(utf8("\n\n"));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void everySplitGivesTheSameResult(String name, byte[] stream) {
        ReferenceSse expected = ReferenceSse.parse(stream);
        assertThat(expected.all).as("the oracle sees something in %s", name).isNotEmpty();

        Recorder whole = new Recorder();
        SseParser parser = new SseParser(whole);
        parser.feed(stream, 0, stream.length);
        parser.finish();
        assertThat(whole.all).as("%s fed at once", name).isEqualTo(expected.all);
        assertThat(parser.lastEventId().orElse("")).isEqualTo(expected.lastEventId);

        Random rnd = new Random(name.hashCode());
        for (int run = 0; run < SPLITS_PER_STREAM; run++) {
            int[] cuts = cuts(rnd, stream.length, run);
            Recorder rec = new Recorder();
            SseParser p = new SseParser(rec);
            int mode = run % 5;
            int from = 0;
            for (int k = 0; k <= cuts.length; k++) {
                int to = k < cuts.length ? cuts[k] : stream.length;
                feedPiece(p, stream, from, to, mode == 4 ? rnd.nextInt(4) : mode, rnd);
                from = to;
            }
            p.finish();
            String how = name + " run " + run + " cuts " + Arrays.toString(cuts);
            assertThat(rec.all).as(how).isEqualTo(expected.all);
            assertThat(p.lastEventId().orElse("")).as(how).isEqualTo(expected.lastEventId);
        }
    }

    /** Sorted cut points: every 8th run cuts after every byte, the others at 1..40 random places. */
    private static int[] cuts(Random rnd, int length, int run) {
        if (run % 8 == 0) {
            int[] all = new int[length - 1];
            for (int i = 0; i < all.length; i++) {
                all[i] = i + 1;
            }
            return all;
        }
        TreeSet<Integer> set = new TreeSet<>();
        int n = 1 + rnd.nextInt(Math.min(40, length - 1));
        while (set.size() < n) {
            set.add(1 + rnd.nextInt(length - 1));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void feedPiece(SseParser p, byte[] src, int from, int to, int kind, Random rnd) {
        int n = to - from;
        switch (kind) {
            case 0:
                p.feed(src, from, n);
                break;
            case 1: {
                // heap buffer whose array offset and position are both non-zero, with junk around
                int before = 1 + rnd.nextInt(5);
                int pos = rnd.nextInt(4);
                byte[] big = new byte[before + pos + n + 3];
                Arrays.fill(big, (byte) '\n');
                System.arraycopy(src, from, big, before + pos, n);
                ByteBuffer slice = ByteBuffer.wrap(big, before, big.length - before).slice();
                slice.position(pos).limit(pos + n);
                p.feed(slice);
                assertThat(slice.hasRemaining()).isFalse();
                break;
            }
            case 2: {
                ByteBuffer direct = ByteBuffer.allocateDirect(n + 2);
                direct.put((byte) '\r').put(src, from, n).flip().position(1);
                p.feed(direct);
                assertThat(direct.hasRemaining()).isFalse();
                break;
            }
            default:
                p.feed(ByteBuffer.wrap(src, from, n).asReadOnlyBuffer());
                break;
        }
    }
}
