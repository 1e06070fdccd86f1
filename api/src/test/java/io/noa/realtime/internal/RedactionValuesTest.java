package io.noa.realtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionValuesTest {
    @Test
    void everySecretValueIsCutOutLongestFirst() {
        String body = "{\"echo\":\"Authorization: Bearer sk-123456 x-api-key: k-9876 token sk-123456\"}";
        String out = Redaction.redactValues(body, List.of("sk-123456", "Bearer sk-123456", "k-9876"));
        assertThat(out).doesNotContain("sk-123456").doesNotContain("k-9876").contains("<redacted>");
    }

    @Test
    void shortValuesAreIgnored() {
        assertThat(Redaction.redactValues("true and a", List.of("a", "tru"))).isEqualTo("true and a");
    }

    @Test
    void everyUsualApiKeySpellingIsASecretHeader() {
        for (String name : List.of("Authorization", "x-api-key", "api-key", "apikey", "api_key", "X-Auth-Token",
                "Cookie", "Proxy-Authorization")) {
            assertThat(Redaction.isSecretHeader(name)).as(name).isTrue();
        }
        assertThat(Redaction.isSecretHeader("X-Trace")).isFalse();
    }
}
