package io.noa.realtime.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void lookupIsCaseInsensitiveAndKeepsOrder() {
        Headers h = Headers.builder().add("Content-Type", "text/event-stream").add("X-A", "1").add("x-a", "2").build();
        assertThat(h.first("content-type")).contains("text/event-stream");
        assertThat(h.all("X-a")).containsExactly("1", "2");
        assertThat(h.names()).containsExactly("Content-Type", "X-A");
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.first("missing")).isEmpty();
        assertThat(h.all("missing")).isEmpty();
    }

    @Test
    void setReplacesAndRemoveRemovesAllSpellings() {
        Headers h = Headers.builder().add("Accept", "a").add("accept", "b").set("ACCEPT", "c").build();
        assertThat(h.all("accept")).containsExactly("c");
        assertThat(h.toBuilder().remove("Accept").build().isEmpty()).isTrue();
    }

    @Test
    void toStringNeverShowsSecrets() {
        Headers h = Headers.builder().add("Authorization", "Bearer sk-secret").add("X-Api-Key", "k-123")
                .add("Cookie", "session=abc").add("X-Trace", "visible").build();
        assertThat(h.toString()).doesNotContain("sk-secret", "k-123", "session=abc").contains("visible")
                .contains("Authorization=<redacted>");
    }

    @Test
    void rejectsHeaderInjection() {
        assertThatThrownBy(() -> Headers.builder().add("X", "a\r\nEvil: 1"))
                .hasMessageContaining("header 'X'").hasMessageContaining("index 1 (U+000D)").hasMessageNotContaining("Evil");
        assertThatThrownBy(() -> Headers.builder().add("Bad Name", "v")).hasMessageContaining("header name");
        assertThatThrownBy(() -> Headers.builder().add("", "v")).hasMessageContaining("empty");
    }

    @Test
    void aBadCharacterInAKeyNamesTheHeaderNeverTheValue() {
        for (String bad : List.of("Bearer sk-live-123\n", "Bearer sk-live-123\u0000", "Bearer sk-live-\u20ac123",
                "Bearer sk-live-123\u007f")) {
            assertThatThrownBy(() -> Headers.builder().add("Authorization", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("header 'Authorization'")
                    .hasMessageNotContaining("sk-live");
        }
        assertThat(Headers.builder().add("X-Ok", "tab\tand space and Latin-1 \u00e9").build().first("x-ok")).isPresent();
    }

    @Test
    void everyApiKeySpellingIsASecret() {
        for (String name : List.of("Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "api-key", "apikey",
                "api_key", "X_API_KEY", "x-auth-token", "X-Goog-Api-Key", "OpenAI-Api-Key", "x-session-id", "X-Secret")) {
            Headers h = Headers.builder().add(name, "sk-planted").build();
            assertThat(Redact.isSecretHeader(name)).as(name).isTrue();
            assertThat(h.toString()).as(name).doesNotContain("sk-planted");
        }
        assertThat(Redact.isSecretHeader("Content-Type")).isFalse();
        assertThat(Redact.isSecretHeader("Accept")).isFalse();
        assertThat(Redact.isSecretHeader("Last-Event-ID")).isFalse();
    }

    @Test
    void fromMaps() {
        Map<String, String> single = new LinkedHashMap<>();
        single.put("A", "1");
        single.put("B", "2");
        assertThat(Headers.of(single).names()).containsExactly("A", "B");
        assertThat(Headers.ofMulti(Map.of("C", List.of("x", "y"))).all("c")).containsExactly("x", "y");
        assertThat(Headers.of(Map.of())).isSameAs(Headers.empty());
        assertThat(Headers.of(single)).isEqualTo(Headers.of(single)).hasSameHashCodeAs(Headers.of(single));
    }

    /** Issue 17: a header marked secret by the user (any name) printed its value in toString. */
    @Test
    void toStringHidesHeadersMarkedSecretWhateverTheirName() {
        Headers h = Headers.builder().add("X-Org-Ref", "org-ref-4711").add("Accept", "text/event-stream")
                .secret("x-org-ref").build();
        assertThat(h.toString()).doesNotContain("org-ref-4711").contains("X-Org-Ref=<redacted>")
                .contains("Accept=text/event-stream");
        assertThat(h.isSecret("X-ORG-REF")).isTrue();
        assertThat(h.isSecret("Accept")).isFalse();
        Headers copy = Headers.builder().addAll(h).build();
        assertThat(copy.toString()).doesNotContain("org-ref-4711");
        assertThat(h.toBuilder().set("X-Org-Ref", "org-ref-4712").build().toString()).doesNotContain("org-ref-4712");
        assertThat(StreamingRequest.builder(java.net.URI.create("http://127.0.0.1/x")).headers(h).build().toString())
                .doesNotContain("org-ref-4711");
    }
}
