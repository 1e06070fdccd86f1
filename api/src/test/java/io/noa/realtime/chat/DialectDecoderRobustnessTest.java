package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.StreamFormatException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dialect decoders never throw anything but {@link StreamFormatException} (and that only for
 * data that is not a JSON object), an {@code error} event always gives error chunks, and every
 * chunk they give accumulates: over the fuzz corpus of the OpenAI decoder and over every prefix of
 * every event of the dialect fixtures.
 */
class DialectDecoderRobustnessTest {
    private static final Dialect[] DIALECTS = {Dialect.ANTHROPIC_MESSAGES, Dialect.OPENAI_RESPONSES};
    private static final String[] NAMES = {"message", "error", "message_start", "content_block_start",
        "content_block_delta", "content_block_stop", "message_delta", "response.created", "response.output_item.added",
        "response.output_item.done", "response.output_text.delta", "response.function_call_arguments.delta",
        "response.completed", "response.incomplete", "response.failed"};

    private static void decodeAll(String data) {
        for (Dialect d : DIALECTS) {
            ChunkDecoder decoder = d.newDecoder();
            ChunkAccumulator acc = new ChunkAccumulator("r");
            for (String name : NAMES) {
                List<StreamChunk> chunks;
                try {
                    chunks = decoder.decode(name, data);
                } catch (StreamFormatException e) {
                    assertThat(name).as("only a non-error event may be a format error").isNotEqualTo("error");
                    continue;
                }
                assertThat(chunks).isNotNull();
                if (name.equals("error")) {
                    assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.error()).isPresent());
                }
                chunks.forEach(acc::accept);
            }
            assertThat(acc.endOfInput().state()).isNotEqualTo(StreamingMessage.State.STREAMING);
        }
    }

    @Test
    void fuzzCorpusInputs() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/io/noa/realtime/chat/ChunkDecoderFuzzTestInputs/decodeAndAccumulate").toURI());
        List<Path> inputs;
        try (Stream<Path> s = Files.list(dir)) {
            inputs = s.sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        for (Path p : inputs) {
            String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            decodeAll(text);
            for (String line : text.split("\n")) {
                decodeAll(line.startsWith("data:") ? line.substring(5) : line);
            }
        }
    }

    @Test
    void everyPrefixOfEveryFixtureEvent() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/chat-streams/dialects").toURI());
        List<String> data = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                for (String line : Files.readString(p).split("\n")) {
                    if (line.startsWith("data: ")) {
                        data.add(line.substring(6));
                    }
                }
            }
        }
        assertThat(data).hasSizeGreaterThan(50);
        for (String d : data) {
            for (int n = 0; n <= d.length(); n += 29) {
                decodeAll(d.substring(0, n));
            }
        }
    }
}
