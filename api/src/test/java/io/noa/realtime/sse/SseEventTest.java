package io.noa.realtime.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SseEventTest {

    @Test
    void ofWithoutIdHasNoId() {
        SseEvent e = SseEvent.of("update", "x");
        assertThat(e.id()).isEmpty();
        assertThat(e.event()).isEqualTo("update");
        assertThat(e.data()).isEqualTo("x");
    }

    @Test
    void nullOrEmptyIdMeansNone() {
        assertThat(SseEvent.of(null, "a", "b").id()).isEmpty();
        assertThat(SseEvent.of("", "a", "b").id()).isEmpty();
        assertThat(SseEvent.of("7", "a", "b").id()).contains("7");
    }

    @Test
    void emptyEventTypeMeansMessage() {
        assertThat(SseEvent.of("", "x").event()).isEqualTo("message");
    }

    @Test
    void nullsAreRejected() {
        assertThatThrownBy(() -> SseEvent.of(null, "x")).isInstanceOf(NullPointerException.class).hasMessage("event");
        assertThatThrownBy(() -> SseEvent.of("e", null)).isInstanceOf(NullPointerException.class).hasMessage("data");
    }

    @Test
    void equalsAndHashCodeUseAllThreeParts() {
        assertThat(SseEvent.of("1", "a", "b")).isEqualTo(SseEvent.of("1", "a", "b"))
                .hasSameHashCodeAs(SseEvent.of("1", "a", "b"));
        assertThat(SseEvent.of(null, "a", "b")).isEqualTo(SseEvent.of("", "a", "b"));
        assertThat(SseEvent.of("1", "a", "b")).isNotEqualTo(SseEvent.of("2", "a", "b"));
        assertThat(SseEvent.of("1", "a", "b")).isNotEqualTo(SseEvent.of("1", "c", "b"));
        assertThat(SseEvent.of("1", "a", "b")).isNotEqualTo(SseEvent.of("1", "a", "c"));
        assertThat(SseEvent.of("a", "b")).isNotEqualTo("a");
    }

    @Test
    void toStringShowsShortDataWhole() {
        assertThat(SseEvent.of("9", "delta", "hello")).hasToString("SseEvent{id=9, event=delta, data=hello}");
        assertThat(SseEvent.of("delta", "hello")).hasToString("SseEvent{event=delta, data=hello}");
    }

    @Test
    void toStringTruncatesLongData() {
        String s = SseEvent.of("m", "x".repeat(10_000)).toString();
        assertThat(s).hasSizeLessThan(260).contains("(10000 chars)").startsWith("SseEvent{event=m, data=xxx");
    }

    @Test
    void toStringDoesNotCutASurrogatePair() {
        String data = "a".repeat(199) + "\uD83D\uDE00" + "b".repeat(50);
        String s = SseEvent.of("m", data).toString();
        assertThat(s).doesNotContain("\uD83D...").contains("a...(");
    }
}
