package io.noa.realtime.benchmarks.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.benchmarks.OpenAiStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Smoke test of the side-by-side harness: correctness only (counts, content), never speed. */
class SseSideBySideTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 50, 386, 1_000, 2_345})
    void theServerSendsExactlyTheStream(int events) throws Exception {
        OpenAiStream stream = OpenAiStream.of(events);
        try (SseBenchServer server = new SseBenchServer(stream)) {
            assertThat(server.body()).isEqualTo(stream.toByteArray());
        }
    }

    @Test
    void everyClientReadsTheWholeStreamAndTheReportHasEveryTable() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SseSideBySide.Outcome outcome = SseSideBySide.run(
                new SseSideBySide.Settings(1_000, 1, 0, Set.of()), new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(outcome.errors).as(log.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(outcome.clients).extracting(c -> c.id).containsExactly("raw", "noa-jdk", "noa-netty", "okhttp-sse",
                "ld", "reactor", "noa-jdk-full", "noa-netty-full", "noa-jdk-result", "noa-netty-result", "okhttp-sse-full",
                "ld-full", "reactor-full");
        assertThat(outcome.samples.values()).allSatisfy(samples -> assertThat(samples).hasSize(1));
        String markdown = outcome.markdown("java SseSideBySide");
        assertThat(markdown)
                .contains("| raw socket | upper bound |")
                .contains("parse-only: ours ÷ peer")
                .contains("full pipeline: ours ÷ peer")
                .contains("full pipeline ≥ 1.5× reactor-netty + Jackson")
                .contains("full pipeline: ours ÷ peer (CPU µs/event, lower is better)")
                .contains("allocation ≤ 400 B/event full")
                .doesNotContain("token stream:");
    }

    @Test
    void theTokenStreamModeDeliversEveryEventAndReportsCpuAgainstTheBestPeer() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SseSideBySide.Outcome outcome = SseSideBySide.run(
                new SseSideBySide.Settings(500, 1, 0, Set.of("raw", "noa-netty", "noa-jdk", "okhttp-sse", "noa-netty-full",
                        "noa-jdk-full", "reactor-full"), true),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(outcome.errors).as(log.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(outcome.samples.values()).allSatisfy(samples -> assertThat(samples).hasSize(1));
        assertThat(outcome.markdown("java SseSideBySide --token-stream"))
                .contains("token-stream mode")
                .contains("token stream: CPU per event ≤ 0.6× the best peer's (okhttp-sse, ")
                .contains("token stream: CPU per event ≤ 0.6× the best peer's (reactor-netty + Jackson, ");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 50, 386, 1_000})
    void theTokenStreamServerSendsEveryEventAsItsOwnChunk(int events) throws Exception {
        OpenAiStream stream = OpenAiStream.of(events);
        try (SseBenchServer server = new SseBenchServer(stream, true)) {
            new RawSocketClient(server.uri()).run(Expected.of(stream));
        }
    }

    @Test
    void settingsParseTheTokenStreamMode() {
        assertThat(SseSideBySide.Settings.parse(new String[] {"--token-stream"}))
                .isEqualTo(new SseSideBySide.Settings(200_000, 5, 1, Set.of(), true));
        assertThat(SseSideBySide.Settings.parse(new String[] {"--quick", "--token-stream"}).events()).isEqualTo(50_000);
        assertThat(SseSideBySide.Settings.parse(new String[] {"--quick"}).events()).isEqualTo(200_000);
        assertThat(SseSideBySide.Settings.parse(new String[0]).events()).isEqualTo(1_000_000);
    }

    @Test
    void aClientThatMiscountsIsAnErrorNotAFigure() throws Exception {
        OpenAiStream stream = OpenAiStream.of(100);
        try (SseBenchServer server = new SseBenchServer(stream)) {
            RawSocketClient raw = new RawSocketClient(server.uri());
            Expected wrong = new Expected(101, stream.content(), stream.totalBytes());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw.run(wrong))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("counted 101 events, expected 102");
        }
    }

    @Test
    void theRawCounterFindsEveryBlankLineWhereverTheReadsSplit() {
        java.util.Random rnd = new java.util.Random(42);
        byte[] alphabet = {'\n', '\n', '\r', 'a', 0x0B, (byte) 0x8A, 0x00, (byte) 0xFF};
        for (int run = 0; run < 5_000; run++) {
            byte[] a = new byte[rnd.nextInt(100)];
            for (int i = 0; i < a.length; i++) {
                a[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            long naive = 0;
            for (int i = 1; i < a.length; i++) {
                if (a[i] == '\n' && a[i - 1] == '\n') {
                    naive++;
                }
            }
            RawSocketClient.LfPairs pairs = new RawSocketClient.LfPairs();
            int at = 0;
            while (at < a.length) {
                int next = Math.min(a.length, at + 1 + rnd.nextInt(20));
                pairs.count(a, at, next);
                at = next;
            }
            assertThat(pairs.pairs).as("run %d", run).isEqualTo(naive);
        }
    }

    @Test
    void theDataLineReaderJoinsLinesSplitAnywhere() {
        byte[] body = "data: a\ndata: b\r\n\n: comment\nevent: x\ndata: {\"k\":\"caf\u00e9\"}\n\n"
                .getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= body.length; split++) {
            java.util.List<String> got = new java.util.ArrayList<>();
            ReactorNettyClient.DataLines lines = new ReactorNettyClient.DataLines(got::add);
            lines.feed(io.netty.buffer.Unpooled.wrappedBuffer(body, 0, split));
            lines.feed(io.netty.buffer.Unpooled.wrappedBuffer(body, split, body.length - split));
            assertThat(got).as("split at " + split).containsExactly("a\nb", "{\"k\":\"caf\u00e9\"}");
        }
    }
}
