package io.noa.realtime.benchmarks.sse;

import io.noa.realtime.benchmarks.OpenAiStream;

/**
 * What a correct client ends with after reading the server's stream once.
 *
 * @param chunks the chat.completion.chunk events (without {@code [DONE]})
 * @param content the accumulated assistant text
 * @param bytes the response body's size in bytes (without HTTP chunk framing)
 */
record Expected(int chunks, String content, long bytes) {

    static Expected of(OpenAiStream stream) {
        return new Expected(stream.events(), stream.content(), stream.totalBytes());
    }

    /** Every SSE event of the stream: the chunks and {@code [DONE]}. */
    long sseEvents() {
        return chunks + 1L;
    }
}
