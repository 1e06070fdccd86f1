package io.noa.realtime.dagger;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link NoaClientsModule} needs to build a {@link io.noa.realtime.chat.StreamingChat}: the
 * chat completions endpoint, the API key and the default model. Immutable and thread-safe; the
 * key never appears in {@link #toString()}.
 */
public final class ChatSettings {

    private final URI apiUrl;
    private final String apiKey;
    private final String model;

    private ChatSettings(Builder b) {
        this.apiUrl = b.apiUrl;
        this.apiKey = b.apiKey;
        this.model = b.model;
    }

    /**
     * A builder for the chat completions endpoint {@code apiUrl}.
     *
     * @param apiUrl e.g. {@code https://api.openai.com/v1/chat/completions}
     * @return the builder
     */
    public static Builder builder(URI apiUrl) {
        return new Builder(apiUrl);
    }

    /**
     * The chat completions endpoint.
     *
     * @return the endpoint
     */
    public URI apiUrl() {
        return apiUrl;
    }

    /**
     * The API key, if one was set.
     *
     * @return the key, or empty to send no {@code Authorization} header
     */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /**
     * The model used when a request names none, if one was set.
     *
     * @return the model, or empty for the client's default
     */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    @Override
    public String toString() {
        return "ChatSettings{apiUrl=" + apiUrl.getScheme() + "://" + apiUrl.getHost()
                + (apiUrl.getPort() < 0 ? "" : ":" + apiUrl.getPort()) + apiUrl.getRawPath()
                + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", model=" + (model == null ? "default" : model) + "}";
    }

    /** Builds {@link ChatSettings}. Not thread-safe. */
    public static final class Builder {
        private final URI apiUrl;
        private String apiKey;
        private String model;

        private Builder(URI apiUrl) {
            this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
        }

        /**
         * The API key, sent as {@code Authorization: Bearer <key>}. Never logged or printed.
         *
         * @param apiKey the key
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /**
         * The model used when a request names none.
         *
         * @param model e.g. {@code gpt-4o-mini}
         * @return this builder
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return immutable settings
         */
        public ChatSettings build() {
            return new ChatSettings(this);
        }
    }
}
