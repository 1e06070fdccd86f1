package io.noa.realtime.chat;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The wire format of one chat API: how a {@link ChatRequest} is encoded, which headers carry the
 * API key, how the streamed events decode into {@link StreamChunk}s, and which event ends the
 * stream. Whatever the dialect, the answer accumulates into the same {@link StreamingMessage}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#dialect -->
 * <pre>{@code
 * try (StreamingChat claude = StreamingChat.builder(url)        // e.g. "https://api.anthropic.com/v1/messages"
 *         .dialect(Dialect.ANTHROPIC_MESSAGES)                  // x-api-key + anthropic-version
 *         .apiKey(apiKey)                                       // e.g. System.getenv("ANTHROPIC_API_KEY")
 *         .model("claude-sonnet-4-5")
 *         .build()) {
 *     StreamingMessage answer = claude.send(request).result().get(60, TimeUnit.SECONDS);
 *     System.out.println(answer.state() + ": " + answer.content());
 * }
 * }</pre>
 *
 * <p>The built-in dialects are {@link #OPENAI_CHAT} (the default: {@code /v1/chat/completions}
 * and every "OpenAI-compatible" server), {@link #ANTHROPIC_MESSAGES} ({@code /v1/messages}) and
 * {@link #OPENAI_RESPONSES} ({@code /v1/responses}). Implementations MUST be thread-safe; the
 * decoder each {@link #newDecoder()} returns serves one stream and may keep state.
 */
public interface Dialect {
    /**
     * OpenAI chat completions: {@code messages}, {@code Authorization: Bearer}, {@code data:}
     * chunks ended by {@code [DONE]}. The default.
     */
    Dialect OPENAI_CHAT = BuiltInDialect.openAiChat();

    /**
     * Anthropic Messages: top-level {@code system}, required {@code max_tokens} (4096 unless the
     * request sets {@link ChatRequest.Builder#maxTokens(int)}), content blocks,
     * {@code tool_use}/{@code tool_result}; {@code x-api-key} and {@code anthropic-version:
     * 2023-06-01} headers; named events ended by {@code message_stop}.
     */
    Dialect ANTHROPIC_MESSAGES = BuiltInDialect.anthropicMessages();

    /**
     * OpenAI Responses: {@code input} items, {@code instructions}, {@code max_output_tokens},
     * {@code stream: true}; {@code Authorization: Bearer}; {@code response.*} events ended by
     * {@code response.completed}, {@code response.incomplete} or {@code response.failed}.
     */
    Dialect OPENAI_RESPONSES = BuiltInDialect.openAiResponses();

    /**
     * A built-in dialect by name, ignoring case: {@code openai-chat} (also {@code openai},
     * {@code chat}), {@code anthropic-messages} (also {@code anthropic}, {@code messages}),
     * {@code openai-responses} (also {@code responses}).
     *
     * @param name the name
     * @return the dialect
     * @throws IllegalArgumentException for an unknown name; the message lists the known ones
     */
    static Dialect named(String name) {
        Objects.requireNonNull(name, "name");
        switch (name.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "openai-chat":
            case "openai":
            case "chat":
            case "chat-completions":
                return OPENAI_CHAT;
            case "anthropic-messages":
            case "anthropic":
            case "messages":
                return ANTHROPIC_MESSAGES;
            case "openai-responses":
            case "responses":
                return OPENAI_RESPONSES;
            default:
                throw new IllegalArgumentException("Unknown chat dialect '" + name
                        + "'; use openai-chat, anthropic-messages or openai-responses");
        }
    }

    /**
     * The dialect's name, e.g. {@code anthropic-messages}.
     *
     * @return the name
     */
    String name();

    /**
     * Encodes a request as this API's JSON body, streaming requested.
     *
     * @param request the request
     * @param defaultModel the model used when the request names none, or {@code null}
     * @return the UTF-8 JSON body
     * @throws IllegalStateException when neither the request nor {@code defaultModel} names a model
     */
    byte[] encode(ChatRequest request, String defaultModel);

    /**
     * The headers this API needs on every request: the API key in its header, and any version
     * header. A header of the same name set on the {@link StreamingChat.Builder#header builder}
     * replaces the dialect's.
     *
     * @param apiKey the API key or token, if one is configured
     * @return the headers, by name, in order
     */
    Map<String, String> headers(Optional<String> apiKey);

    /**
     * A decoder for one stream of this API. It may keep state between events of that stream.
     *
     * @return a decoder used by one stream only
     */
    ChunkDecoder newDecoder();

    /**
     * The end rule: whether the event of this name, once decoded, ends the stream (so the message
     * completes without waiting for the server to close the connection).
     *
     * @param eventName the SSE event name ({@code "message"} when the event had none)
     * @return {@code true} for a terminal event
     */
    boolean endsStream(String eventName);
}
