package io.noa.realtime.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LastEventIdEncodingTest {
    @Test
    void printableAsciiGoesAsIs() {
        assertThat(SseClient.encodeLastEventId("evt-42_a/b:c")).isEqualTo("evt-42_a/b:c");
    }

    @Test
    void nonAsciiSpaceControlsAndPercentArePercentEncodedAsUtf8() {
        assertThat(SseClient.encodeLastEventId("café-€")).isEqualTo("caf%C3%A9-%E2%82%AC");
        assertThat(SseClient.encodeLastEventId("a b%\t\u0001")).isEqualTo("a%20b%25%09%01");
        assertThat(SseClient.encodeLastEventId("😀")).isEqualTo("%F0%9F%98%80");
    }

    @Test
    void theEncodingDecodesBackToTheId() {
        for (String id : new String[] {"café-€ %", "a+b", "日本語", "x\u007fy"}) {
            assertThat(URLDecoder.decode(SseClient.encodeLastEventId(id).replace("+", "%2B"), StandardCharsets.UTF_8))
                    .isEqualTo(id);
        }
    }
}
