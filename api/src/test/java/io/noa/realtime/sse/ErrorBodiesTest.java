package io.noa.realtime.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.ErrorDetail;
import org.junit.jupiter.api.Test;

class ErrorBodiesTest {

    @Test
    void openAiShape() {
        ErrorDetail e = ErrorBodies.parse("{\"error\":{\"message\":\"You exceeded your current quota\","
                + "\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}").orElseThrow();
        assertThat(e.message()).startsWith("You exceeded");
        assertThat(e.type()).contains("insufficient_quota");
        assertThat(e.code()).contains("insufficient_quota");
        assertThat(e.param()).isEmpty();
    }

    @Test
    void anthropicShape() {
        ErrorDetail e = ErrorBodies.parse("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
                .orElseThrow();
        assertThat(e.message()).isEqualTo("Overloaded");
        assertThat(e.type()).contains("overloaded_error");
    }

    @Test
    void openRouterNumericCode() {
        ErrorDetail e = ErrorBodies.parse("{\"error\":{\"code\":402,\"message\":\"Insufficient credits\",\"metadata\":{\"x\":1}}}")
                .orElseThrow();
        assertThat(e.code()).contains("402");
        assertThat(e.message()).isEqualTo("Insufficient credits");
    }

    @Test
    void flatVllmShape() {
        ErrorDetail e = ErrorBodies.parse("{\"object\":\"error\",\"message\":\"model not found\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}")
                .orElseThrow();
        assertThat(e.type()).contains("NotFoundError");
        assertThat(e.code()).contains("404");
    }

    @Test
    void stringErrorAndFastApiDetail() {
        assertThat(ErrorBodies.parse("{\"error\":\"bad key\"}")).hasValueSatisfying(e -> assertThat(e.message()).isEqualTo("bad key"));
        assertThat(ErrorBodies.parse("{\"detail\":\"Not Found\"}")).hasValueSatisfying(e -> assertThat(e.message()).isEqualTo("Not Found"));
    }

    @Test
    void unknownOrBrokenBodies() {
        assertThat(ErrorBodies.parse("<html>502 Bad Gateway</html>")).isEmpty();
        assertThat(ErrorBodies.parse("{\"ok\":true}")).isEmpty();
        assertThat(ErrorBodies.parse("")).isEmpty();
        assertThat(ErrorBodies.parse(null)).isEmpty();
        assertThat(ErrorBodies.parse("[1,2]")).isEmpty();
    }
}
