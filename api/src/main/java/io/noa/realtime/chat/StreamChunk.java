package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One decoded chunk of a streamed chat completion ({@code chat.completion.chunk}), or an error that
 * arrived in the stream. Immutable. Every field may be missing: placeholder chunks have an empty
 * {@code id}, usage chunks have no choices, error chunks may have nothing but {@link #error()}.
 * Empty strings for {@code id}, {@code model} and {@code object} and {@code created:0} are
 * treated as absent.
 */
public final class StreamChunk {
    private final String id;
    private final String model;
    private final long created;
    private final String object;
    private final String systemFingerprint;
    private final String serviceTier;
    private final List<Choice> choices;
    private final Usage usage;
    private final ErrorDetail error;
    private final Map<String, JsonNode> extras;

    private StreamChunk(Builder b) {
        this.id = ChatJson.emptyToNull(b.id);
        this.model = ChatJson.emptyToNull(b.model);
        this.created = Math.max(0, b.created);
        this.object = ChatJson.emptyToNull(b.object);
        this.systemFingerprint = ChatJson.emptyToNull(b.systemFingerprint);
        this.serviceTier = ChatJson.emptyToNull(b.serviceTier);
        this.choices = b.choices != null ? List.copyOf(b.choices) : b.choice != null ? List.of(b.choice) : List.of();
        this.usage = b.usage;
        this.error = b.error;
        this.extras = ChatJson.copy(b.extras);
    }

    /**
     * A builder, for decoders and tests.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A chunk that carries only an error.
     *
     * @param error the error
     * @return the chunk
     */
    public static StreamChunk ofError(ErrorDetail error) {
        return builder().error(Objects.requireNonNull(error, "error")).build();
    }

    /**
     * The completion id chosen by the server.
     *
     * @return the id, if non-empty
     */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /**
     * The model that answered.
     *
     * @return the model, if non-empty
     */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /**
     * Creation time in Unix seconds.
     *
     * @return the time, if sent and not {@code 0}
     */
    public OptionalLong created() {
        return created > 0 ? OptionalLong.of(created) : OptionalLong.empty();
    }

    /**
     * The object type.
     *
     * @return usually {@code chat.completion.chunk}, if non-empty
     */
    public Optional<String> object() {
        return Optional.ofNullable(object);
    }

    /**
     * The {@code system_fingerprint}.
     *
     * @return the fingerprint, if non-empty
     */
    public Optional<String> systemFingerprint() {
        return Optional.ofNullable(systemFingerprint);
    }

    /**
     * The {@code service_tier}.
     *
     * @return the tier, if non-empty
     */
    public Optional<String> serviceTier() {
        return Optional.ofNullable(serviceTier);
    }

    /**
     * The choices, in wire order.
     *
     * @return an unmodifiable list, empty for usage-only, placeholder and error chunks
     */
    public List<Choice> choices() {
        return choices;
    }

    /**
     * The content text this chunk adds to the first choice, like openai-java's
     * {@code chunk.choices().get(0).delta().content()} without the empty-list and null checks.
     *
     * @return the first choice's content delta, if this chunk has one
     */
    public Optional<String> content() {
        return firstDelta().flatMap(Delta::content);
    }

    /**
     * The reasoning text this chunk adds to the first choice ({@code reasoning_content} /
     * {@code reasoning}, whichever the server sends).
     *
     * @return the first choice's reasoning delta, if this chunk has one
     */
    public Optional<String> reasoning() {
        return firstDelta().flatMap(Delta::reasoning);
    }

    /**
     * The first choice's finish reason, as the server spelled it ({@code "stop"},
     * {@code "length"}, {@code "tool_calls"}, …), on the chunk that ends that choice.
     *
     * @return the raw finish reason, if this chunk carries one
     * @see FinishReason
     */
    public Optional<String> finishReason() {
        return choices.isEmpty() ? Optional.empty() : choices.get(0).finishReason();
    }

    private Optional<Delta> firstDelta() {
        return choices.isEmpty() ? Optional.empty() : choices.get(0).delta();
    }

    /**
     * The usage, wherever it rides (its own chunk, the finish chunk, or every chunk).
     *
     * @return the usage, if non-null
     */
    public Optional<Usage> usage() {
        return Optional.ofNullable(usage);
    }

    /**
     * An error reported inside the stream, in any of the shapes servers use.
     *
     * @return the error, if this chunk is or carries one
     */
    public Optional<ErrorDetail> error() {
        return Optional.ofNullable(error);
    }

    /**
     * Top-level fields this decoder does not model (e.g. {@code prompt_filter_results},
     * {@code obfuscation}, {@code provider}), by wire name.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, JsonNode> extras() {
        return extras;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StreamChunk)) {
            return false;
        }
        StreamChunk c = (StreamChunk) o;
        return created == c.created && Objects.equals(id, c.id) && Objects.equals(model, c.model)
                && Objects.equals(object, c.object) && Objects.equals(systemFingerprint, c.systemFingerprint)
                && Objects.equals(serviceTier, c.serviceTier) && choices.equals(c.choices)
                && Objects.equals(usage, c.usage) && Objects.equals(error, c.error) && extras.equals(c.extras);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, model, created, object, systemFingerprint, serviceTier, choices, usage, error, extras);
    }

    @Override
    public String toString() {
        return "StreamChunk{id=" + id + ", model=" + model + ", choices=" + choices
                + (usage != null ? ", usage=" + usage : "") + (error != null ? ", error=" + error : "")
                + (extras.isEmpty() ? "" : ", extras=" + extras.keySet()) + '}';
    }

    /** Builds a {@link StreamChunk}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private String model;
        private long created;
        private String object;
        private String systemFingerprint;
        private String serviceTier;
        // the common single choice needs no list; collections are created when first needed
        private Choice choice;
        private List<Choice> choices;
        private Usage usage;
        private ErrorDetail error;
        private Map<String, JsonNode> extras;

        private Builder() {}

        /**
         * Sets the id.
         *
         * @param id the id, or {@code null}
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the model.
         *
         * @param model the model, or {@code null}
         * @return this builder
         */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the creation time.
         *
         * @param created Unix seconds; {@code 0} or less means absent
         * @return this builder
         */
        public Builder created(long created) {
            this.created = created;
            return this;
        }

        /**
         * Sets the object type.
         *
         * @param object the type, or {@code null}
         * @return this builder
         */
        public Builder object(String object) {
            this.object = object;
            return this;
        }

        /**
         * Sets the system fingerprint.
         *
         * @param systemFingerprint the fingerprint, or {@code null}
         * @return this builder
         */
        public Builder systemFingerprint(String systemFingerprint) {
            this.systemFingerprint = systemFingerprint;
            return this;
        }

        /**
         * Sets the service tier.
         *
         * @param serviceTier the tier, or {@code null}
         * @return this builder
         */
        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        /**
         * Adds a choice.
         *
         * @param choice the choice
         * @return this builder
         */
        public Builder addChoice(Choice choice) {
            Objects.requireNonNull(choice, "choice");
            if (choices != null) {
                choices.add(choice);
            } else if (this.choice == null) {
                this.choice = choice;
            } else {
                choices = new ArrayList<>(4);
                choices.add(this.choice);
                choices.add(choice);
            }
            return this;
        }

        /**
         * Sets the usage.
         *
         * @param usage the usage, or {@code null}
         * @return this builder
         */
        public Builder usage(Usage usage) {
            this.usage = usage;
            return this;
        }

        /**
         * Sets the error.
         *
         * @param error the error, or {@code null}
         * @return this builder
         */
        public Builder error(ErrorDetail error) {
            this.error = error;
            return this;
        }

        /**
         * Keeps a field this model does not know.
         *
         * @param name the wire name
         * @param value the value
         * @return this builder
         */
        public Builder extra(String name, JsonNode value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (extras == null) {
                extras = new LinkedHashMap<>();
            }
            extras.put(name, value);
            return this;
        }

        /**
         * Removes a kept field (a decoder that recognised it after all).
         *
         * @param name the wire name
         * @return this builder
         */
        Builder removeExtra(String name) {
            if (extras != null) {
                extras.remove(name);
            }
            return this;
        }

        /** The kept field, for decoders in this package. */
        JsonNode extra(String name) {
            return extras == null ? null : extras.get(name);
        }

        /** The object type set so far, for decoders in this package. */
        String objectValue() {
            return object;
        }

        /** Whether an error was set, for decoders in this package. */
        boolean hasError() {
            return error != null;
        }

        /**
         * Builds the chunk.
         *
         * @return the immutable chunk
         */
        public StreamChunk build() {
            return new StreamChunk(this);
        }
    }
}
