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
        assertThatThrownBy(() -> Headers.builder().add("X", "a\r\nEvil: 1")).hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> Headers.builder().add("Bad Name", "v")).hasMessageContaining("header name");
        assertThatThrownBy(() -> Headers.builder().add("", "v")).hasMessageContaining("empty");
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
}
