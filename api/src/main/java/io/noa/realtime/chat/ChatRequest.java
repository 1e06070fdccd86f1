package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One chat completion request, sent as an OpenAI-compatible JSON body with {@code "stream":true}.
 * Immutable; build with {@link #builder()}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#chat-request -->
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *         .model("gpt-4o-mini")
 *         .message(Message.system("Be brief."))
 *         .message(Message.user("Hello!"))
 *         .temperature(0.2)
 *         .build();
 * }</pre>
 */
public final class ChatRequest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String model;
    private final List<Message> messages;
    private final Double temperature;
    private final Integer maxTokens;
    private final boolean includeUsage;
    private final List<JsonNode> tools;
    private final Map<String, Object> extra;

    private ChatRequest(Builder b) {
        this.model = b.model;
        this.messages = List.copyOf(b.messages);
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.includeUsage = b.includeUsage;
        this.tools = List.copyOf(b.tools);
        this.extra = Map.copyOf(b.extra);
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with this request's values.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages.addAll(messages);
        b.temperature = temperature;
        b.maxTokens = maxTokens;
        b.includeUsage = includeUsage;
        b.tools.addAll(tools);
        b.extra.putAll(extra);
        return b;
    }

    /**
     * The model, if set (a {@link StreamingChat} fills in its default otherwise).
     *
     * @return the model
     */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /**
     * The conversation.
     *
     * @return the messages, in order
     */
    public List<Message> messages() {
        return messages;
    }

    /**
     * The sampling temperature, if set.
     *
     * @return the temperature
     */
    public OptionalDouble temperature() {
        return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
    }

    /**
     * The token limit, if set.
     *
     * @return the limit
     */
    public OptionalInt maxTokens() {
        return maxTokens == null ? OptionalInt.empty() : OptionalInt.of(maxTokens);
    }

    /**
     * Whether {@code stream_options.include_usage} is requested.
     *
     * @return true to ask for a usage chunk
     */
    public boolean includeUsage() {
        return includeUsage;
    }

    /**
     * Tool (function) definitions, as JSON.
     *
     * @return the tools
     */
    public List<JsonNode> tools() {
        return tools;
    }

    /**
     * Extra top-level body fields.
     *
     * @return the fields
     */
    public Map<String, Object> extra() {
        return extra;
    }

    /**
     * The JSON body, with {@code "stream": true}.
     *
     * @param defaultModel used when no model was set
     * @return the UTF-8 JSON bytes
     * @throws IllegalStateException when neither a model nor a default model is known
     */
    public byte[] toJson(String defaultModel) {
        String m = model != null ? model : defaultModel;
        if (m == null) {
            throw new IllegalStateException("No model: set ChatRequest.Builder.model(..) or StreamingChat's default model");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.setCodec(JSON);
            g.writeStartObject();
            g.writeStringField("model", m);
            g.writeArrayFieldStart("messages");
            for (Message message : messages) {
                message.writeTo(g);
            }
            g.writeEndArray();
            g.writeBooleanField("stream", true);
            if (includeUsage) {
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            if (temperature != null) {
                g.writeNumberField("temperature", temperature);
            }
            if (maxTokens != null) {
                g.writeNumberField("max_tokens", maxTokens);
            }
            if (!tools.isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (JsonNode tool : tools) {
                    g.writeTree(tool);
                }
                g.writeEndArray();
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeObject(e.getValue());
            }
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Cannot write the request as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "ChatRequest{model=" + model + ", messages=" + messages.size() + ", extra=" + extra.keySet() + '}';
    }

    /** Builds a {@link ChatRequest}. Not thread-safe. */
    public static final class Builder {
        private String model;
        private final List<Message> messages = new ArrayList<>();
        private Double temperature;
        private Integer maxTokens;
        private boolean includeUsage;
        private final List<JsonNode> tools = new ArrayList<>();
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {}

        /**
         * The model.
         *
         * @param model e.g. {@code gpt-4o-mini}
         * @return this builder
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Appends a message.
         *
         * @param message the message
         * @return this builder
         */
        public Builder message(Message message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /**
         * Appends messages.
         *
         * @param messages the messages, in order
         * @return this builder
         */
        public Builder messages(List<Message> messages) {
            for (Message m : Objects.requireNonNull(messages, "messages")) {
                message(m);
            }
            return this;
        }

        /**
         * The sampling temperature.
         *
         * @param temperature between 0 and 2
         * @return this builder
         */
        public Builder temperature(double temperature) {
            if (temperature < 0 || temperature > 2 || Double.isNaN(temperature)) {
                throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /**
         * The token limit of the answer.
         *
         * @param maxTokens positive
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Asks for a final usage chunk ({@code stream_options.include_usage}).
         *
         * @param include true to ask
         * @return this builder
         */
        public Builder includeUsage(boolean include) {
            this.includeUsage = include;
            return this;
        }

        /**
         * Adds a tool definition (OpenAI {@code tools} entry).
         *
         * @param tool the JSON definition
         * @return this builder
         */
        public Builder tool(JsonNode tool) {
            tools.add(Objects.requireNonNull(tool, "tool").deepCopy());
            return this;
        }

        /**
         * An extra top-level body field (e.g. {@code top_p}, {@code seed}); any value Jackson
         * can write.
         *
         * @param name the field
         * @param value the value
         * @return this builder
         */
        public Builder extra(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (name.equals("stream") || name.equals("messages")) {
                throw new IllegalArgumentException("'" + name + "' is set by the SDK; use the builder's own methods");
            }
            extra.put(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalStateException without messages
         */
        public ChatRequest build() {
            if (messages.isEmpty()) {
                throw new IllegalStateException("A chat request needs at least one message");
            }
            return new ChatRequest(this);
        }
    }
}
