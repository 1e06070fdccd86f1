package io.noa.realtime.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.chat.ChunkAccumulator;
import io.noa.realtime.chat.ChunkDecoder;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OpenAiStreamTest {

    @ParameterizedTest
    @EnumSource(OpenAiStream.Shape.class)
    void theSdkAccumulatesExactlyTheAdvertisedContent(OpenAiStream.Shape shape) {
        OpenAiStream stream = OpenAiStream.of(1_000, shape);
        ChunkAccumulator accumulator = new ChunkAccumulator("bench");
        List<String> done = new ArrayList<>();
        SseParser parser = new SseParser(event -> {
            if (event.data().equals("[DONE]")) {
                done.add(event.data());
                return;
            }
            for (StreamChunk chunk : ChunkDecoder.openAi().decode(event.event(), event.data())) {
                accumulator.accept(chunk);
            }
        });
        byte[] all = stream.toByteArray();
        parser.feed(all, 0, all.length);
        StreamingMessage message = accumulator.complete();
        assertThat(done).hasSize(1);
        assertThat(message.content()).isEqualTo(stream.content()).contains("Caf\u00e9", "\"quoted\"", "\n - item");
        assertThat(message.choices()).hasSize(1);
    }

    @Test
    void eventSizesAreThoseOfRealChunks() {
        assertThat(OpenAiStream.of(100_000).bytesPerEvent()).isBetween(170.0, 185.0);
        assertThat(OpenAiStream.of(100_000, OpenAiStream.Shape.FULL).bytesPerEvent()).isBetween(260.0, 300.0);
    }

    @Test
    void theLazyInputStreamYieldsTheSameBytesAsTheArray() throws IOException {
        OpenAiStream stream = OpenAiStream.of(5_000, OpenAiStream.Shape.FULL);
        try (InputStream in = stream.open()) {
            assertThat(in.readAllBytes()).isEqualTo(stream.toByteArray());
        }
        assertThat((long) stream.toByteArray().length).isEqualTo(stream.totalBytes());
    }

    @Test
    void aStreamNeedsRoleAndFinishEvents() {
        assertThatThrownBy(() -> OpenAiStream.of(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> OpenAiStream.of(10).event(11)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
