package io.noa.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.internal.Redaction;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExceptionsTest {

    @Test
    void httpStatusExceptionCarriesEverythingButSecrets() {
        String url = Redaction.url("https://user:pass@api.example.test/v1/chat/completions?api_key=sk-live");
        HttpStatusException e = new HttpStatusException(url, 429, "{\"error\":{...}}", Duration.ofSeconds(2),
                ErrorDetail.of("Rate limit reached", "requests", "rate_limit_exceeded", null));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(e.error()).hasValueSatisfying(d -> assertThat(d.code()).contains("rate_limit_exceeded"));
        assertThat(e.getMessage()).contains("HTTP 429", "api.example.test/v1/chat/completions", "Rate limit reached",
                "rate_limit_exceeded").doesNotContain("sk-live", "pass");
    }

    @Test
    void messagesSayWhatToDo() {
        assertThat(new HttpStatusException("u", 401, "", null, null).getMessage()).contains("API key");
        assertThat(new HandshakeException("ws://h/ws", 404, "").getMessage()).contains("404", "URL");
        assertThat(new LimitExceededException("SSE event", "maxEventSize", 1024).getMessage())
                .contains("maxEventSize", "1024");
        assertThat(new ConnectTimeoutException("http://h/", Duration.ofMillis(250)).getMessage()).contains("250 ms");
        assertThat(new AckTimeoutException("room:join", Duration.ofSeconds(5)).event()).isEqualTo("room:join");
    }

    @Test
    void excerptsAreShortAndPrintable() {
        String longBody = "x".repeat(5000) + "\n";
        StreamFormatException e = new StreamFormatException("Not JSON", "line\u0000one\r\n" + longBody);
        assertThat(e.excerpt()).hasSizeLessThanOrEqualTo(Redaction.MAX_EXCERPT + 1).doesNotContain("\u0000", "\n");
    }

    @Test
    void redactionOfUrls() {
        assertThat(Redaction.url("wss://u:p@h:8443/ws?token=abc")).isEqualTo("wss://h:8443/ws?<redacted>");
        assertThat(Redaction.url("not a url at all ::")).isEqualTo("<unparseable url>");
        assertThat(Redaction.isSecretHeader("X-Refresh-Token")).isTrue();
        assertThat(Redaction.isSecretHeader("Content-Type")).isFalse();
    }
}
