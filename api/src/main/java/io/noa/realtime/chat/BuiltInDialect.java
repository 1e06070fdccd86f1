package io.noa.realtime.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** The three dialects the SDK ships. Immutable and thread-safe. Not API. */
final class BuiltInDialect implements Dialect {
    /** The Anthropic API version sent unless the builder sets {@code anthropic-version} itself. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private final String name;
    private final BiFunction<ChatRequest, String, byte[]> encoder;
    private final boolean bearer;
    private final Supplier<ChunkDecoder> decoders;
    private final Set<String> terminalEvents;

    private BuiltInDialect(String name, BiFunction<ChatRequest, String, byte[]> encoder, boolean bearer,
            Supplier<ChunkDecoder> decoders, Set<String> terminalEvents) {
        this.name = name;
        this.encoder = encoder;
        this.bearer = bearer;
        this.decoders = decoders;
        this.terminalEvents = terminalEvents;
    }

    static Dialect openAiChat() {
        return new BuiltInDialect("openai-chat", ChatRequest::toJson, true, ChunkDecoder::openAi, Set.of());
    }

    static Dialect anthropicMessages() {
        return new BuiltInDialect("anthropic-messages", AnthropicRequestEncoder::encode, false,
                AnthropicChunkDecoder::new, Set.of("message_stop"));
    }

    static Dialect openAiResponses() {
        return new BuiltInDialect("openai-responses", ResponsesRequestEncoder::encode, true, ResponsesChunkDecoder::new,
                Set.of("response.completed", "response.incomplete", "response.failed"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] encode(ChatRequest request, String defaultModel) {
        java.util.Objects.requireNonNull(request, "request");
        return encoder.apply(request, defaultModel);
    }

    @Override
    public Map<String, String> headers(Optional<String> apiKey) {
        Map<String, String> h = new LinkedHashMap<>();
        if (bearer) {
            apiKey.ifPresent(k -> h.put("Authorization", "Bearer " + k));
        } else {
            apiKey.ifPresent(k -> h.put("x-api-key", k));
            h.put("anthropic-version", ANTHROPIC_VERSION);
        }
        return h;
    }

    @Override
    public ChunkDecoder newDecoder() {
        return decoders.get();
    }

    @Override
    public boolean endsStream(String eventName) {
        return eventName != null && terminalEvents.contains(eventName);
    }

    @Override
    public String toString() {
        return "Dialect{" + name + '}';
    }
}
