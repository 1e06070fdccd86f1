package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonFactory;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.internal.Utf8;
import java.util.List;
import java.util.Objects;

/**
 * Turns the events of a streamed chat response into {@link StreamChunk}s. The default decodes the
 * OpenAI {@code chat.completion.chunk} format and its many "compatible" variants; other formats
 * (Anthropic Messages, OpenAI Responses) plug in as further implementations producing the same model.
 *
 * <p>Implementations MUST be thread-safe; the built-in one is stateless. (A decoder made by
 * {@link Dialect#newDecoder()} serves one stream only and may keep state between its events.) A decoder MUST NOT throw for
 * unknown fields or unexpected {@code null}s, and MUST report errors sent inside the stream as a chunk
 * whose {@link StreamChunk#error()} is present rather than by throwing.
 */
public interface ChunkDecoder {

    /**
     * The default OpenAI {@code chat.completion.chunk} decoder. Thread-safe and stateless; one shared
     * instance.
     *
     * @return the decoder
     */
    static ChunkDecoder openAi() {
        return OpenAiChunkDecoder.DEFAULT;
    }

    /**
     * An OpenAI decoder that reads with the given Jackson factory (for example one with custom
     * {@link com.fasterxml.jackson.core.StreamReadConstraints}).
     *
     * @param factory the factory; it is only used to create parsers
     * @return the decoder
     */
    static ChunkDecoder openAi(JsonFactory factory) {
        return new OpenAiChunkDecoder(Objects.requireNonNull(factory, "factory"));
    }

    /**
     * Whether this event ends the stream: the sentinel {@code data: [DONE]} (exact, after trimming white
     * space), whatever the event name.
     *
     * @param eventName the SSE event name ({@code "message"} when the event had none)
     * @param data the event data
     * @return {@code true} for the terminal sentinel
     */
    boolean isEndOfStream(String eventName, String data);

    /**
     * Decodes one SSE event into zero or more chunks. Unknown fields never cause an exception;
     * {@code event: error} events and error payloads of every known shape give a chunk whose
     * {@link StreamChunk#error()} is present; named events that are not part of a chat stream (e.g.
     * {@code event: ping}), empty data and the {@code [DONE]} sentinel give an empty list.
     *
     * @param eventName the SSE event name, {@code "message"} (or {@code null}) when the event had none
     * @param data the event data (lines joined with {@code \n})
     * @return the chunks, in order; never {@code null}
     * @throws StreamFormatException if the data of a chat event is not JSON; the exception carries an
     *     excerpt of the data
     */
    List<StreamChunk> decode(String eventName, String data);

    /**
     * {@link #isEndOfStream(String, String)} for data still as UTF-8 bytes, as a chat stream
     * reads it. The default decodes the bytes (invalid sequences become U+FFFD) and calls
     * {@link #isEndOfStream(String, String)}; a decoder overrides it to spare that {@code String}.
     * An override MUST answer exactly as the {@code String} method would for the decoded text.
     *
     * @param eventName the SSE event name ({@code "message"} when the event had none)
     * @param data the array holding the data; valid only during this call, never to be written
     * @param offset where the data starts
     * @param length the data's length in bytes
     * @return {@code true} for the terminal sentinel
     */
    default boolean isEndOfStream(String eventName, byte[] data, int offset, int length) {
        return isEndOfStream(eventName, Utf8.decode(data, offset, length));
    }

    /**
     * {@link #decode(String, String)} for data still as UTF-8 bytes: the path a chat stream
     * takes for every event, so that a decoder that reads bytes (the OpenAI one does, with a
     * Jackson parser reused across events) creates no {@code String} for the event. The default
     * decodes the bytes (invalid sequences become U+FFFD) and calls
     * {@link #decode(String, String)}. An override MUST give the same chunks, and throw the same
     * exceptions, as the {@code String} method would for the decoded text.
     *
     * @param eventName the SSE event name, {@code "message"} (or {@code null}) when the event had none
     * @param data the array holding the data; valid only during this call, never to be kept or written
     * @param offset where the data starts
     * @param length the data's length in bytes
     * @return the chunks, in order; never {@code null}
     * @throws StreamFormatException if the data of a chat event is not JSON
     */
    default List<StreamChunk> decode(String eventName, byte[] data, int offset, int length) {
        return decode(eventName, Utf8.decode(data, offset, length));
    }

    /**
     * Decodes an SSE field line the SSE parser does not know. Older llama.cpp servers report errors in
     * a non-standard {@code error:} field; the OpenAI decoder turns that into an error chunk.
     *
     * @param fieldName the field name, e.g. {@code "error"}
     * @param value the field value
     * @return the chunks; by default none
     */
    default List<StreamChunk> decodeField(String fieldName, String value) {
        return List.of();
    }
}
