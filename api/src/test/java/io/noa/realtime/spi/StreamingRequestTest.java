package io.noa.realtime.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamingRequestTest {

    @Test
    void buildsAndDerives() {
        StreamingRequest r = StreamingRequest.builder(URI.create("https://api.example.test/v1/chat?key=sk-1"))
                .method("post").header("Authorization", "Bearer sk-secret")
                .body("{}".getBytes(StandardCharsets.UTF_8)).connectTimeout(Duration.ofSeconds(3)).build();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.body()).isPresent();
        assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        StreamingRequest redirected = r.toBuilder().uri(URI.create("https://other.test/x")).build();
        assertThat(redirected.headers()).isEqualTo(r.headers());
        assertThat(redirected.method()).isEqualTo("POST");
    }

    @Test
    void toStringHidesQueryAndAuthorization() {
        StreamingRequest r = StreamingRequest.builder(URI.create("https://user:pw@api.example.test/v1?key=sk-1"))
                .header("Authorization", "Bearer sk-secret").build();
        assertThat(r.toString()).doesNotContain("sk-1", "sk-secret", "pw").contains("api.example.test/v1");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> StreamingRequest.builder(URI.create("ftp://h/x"))).hasMessageContaining("http");
        assertThatThrownBy(() -> StreamingRequest.builder(URI.create("/relative"))).hasMessageContaining("absolute");
        assertThatThrownBy(() -> StreamingRequest.builder(URI.create("http://h/")).method("GE T"))
                .hasMessageContaining("method");
        assertThatThrownBy(() -> StreamingRequest.builder(URI.create("http://h/")).connectTimeout(Duration.ZERO))
                .hasMessageContaining("connectTimeout");
    }
}
