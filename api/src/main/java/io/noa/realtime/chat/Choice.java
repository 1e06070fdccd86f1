package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One entry of a chunk's {@code choices} array. Immutable. Every part may be missing: Azure's
 * asynchronous filter chunks have no {@code delta}, some servers leave out {@code index}.
 */
public final class Choice {
    private final int index;
    private final Delta delta;
    private final String finishReason;
    private final List<JsonNode> logprobs;
    private final List<JsonNode> refusalLogprobs;
    private final Map<String, JsonNode> extras;

    private Choice(Builder b) {
        this.index = b.index;
        this.delta = b.delta;
        this.finishReason = ChatJson.emptyToNull(b.finishReason);
        this.logprobs = b.logprobs == null ? List.of() : List.copyOf(b.logprobs);
        this.refusalLogprobs = b.refusalLogprobs == null ? List.of() : List.copyOf(b.refusalLogprobs);
        this.extras = ChatJson.copy(b.extras);
    }

    /**
     * A builder, mostly for decoders.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The choice index.
     *
     * @return the wire {@code index}, if sent (the accumulator then uses the position in the array)
     */
    public OptionalInt index() {
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /**
     * The delta.
     *
     * @return the delta, if the choice had one
     */
    public Optional<Delta> delta() {
        return Optional.ofNullable(delta);
    }

    /**
     * The finish reason exactly as sent; see {@link FinishReason#fromWire(String)}.
     *
     * @return the raw reason, if non-null and non-empty
     */
    public Optional<String> finishReason() {
        return Optional.ofNullable(finishReason);
    }

    /**
     * The entries of {@code logprobs.content} (one per token: {@code token}, {@code logprob},
     * {@code bytes}, {@code top_logprobs}).
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<JsonNode> logprobs() {
        return logprobs;
    }

    /**
     * The entries of {@code logprobs.refusal}.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<JsonNode> refusalLogprobs() {
        return refusalLogprobs;
    }

    /**
     * Fields of the choice this decoder does not model, e.g. Azure's {@code content_filter_results}.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, JsonNode> extras() {
        return extras;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Choice)) {
            return false;
        }
        Choice c = (Choice) o;
        return index == c.index && Objects.equals(delta, c.delta) && Objects.equals(finishReason, c.finishReason)
                && logprobs.equals(c.logprobs) && refusalLogprobs.equals(c.refusalLogprobs) && extras.equals(c.extras);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, delta, finishReason, logprobs, refusalLogprobs, extras);
    }

    @Override
    public String toString() {
        return "Choice{index=" + (index < 0 ? "-" : index) + ", delta=" + delta
                + (finishReason != null ? ", finishReason=" + finishReason : "")
                + (logprobs.isEmpty() ? "" : ", logprobs=" + logprobs.size())
                + (extras.isEmpty() ? "" : ", extras=" + extras.keySet()) + '}';
    }

    /** Builds a {@link Choice}. Not thread-safe. */
    public static final class Builder {
        private int index = -1;
        private Delta delta;
        private String finishReason;
        // collections are created when first needed: most chunks have none
        private List<JsonNode> logprobs;
        private List<JsonNode> refusalLogprobs;
        private Map<String, JsonNode> extras;

        private Builder() {}

        /**
         * Sets the index.
         *
         * @param index the wire index, {@code >= 0}
         * @return this builder
         */
        public Builder index(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("index must be >= 0: " + index);
            }
            this.index = index;
            return this;
        }

        /**
         * Sets the delta.
         *
         * @param delta the delta, or {@code null} for none
         * @return this builder
         */
        public Builder delta(Delta delta) {
            this.delta = delta;
            return this;
        }

        /**
         * Sets the raw finish reason.
         *
         * @param finishReason the reason, or {@code null}
         * @return this builder
         */
        public Builder finishReason(String finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        /**
         * Adds a {@code logprobs.content} entry.
         *
         * @param token the entry
         * @return this builder
         */
        public Builder addLogprob(JsonNode token) {
            Objects.requireNonNull(token, "token");
            if (logprobs == null) {
                logprobs = new ArrayList<>();
            }
            logprobs.add(token);
            return this;
        }

        /**
         * Adds a {@code logprobs.refusal} entry.
         *
         * @param token the entry
         * @return this builder
         */
        public Builder addRefusalLogprob(JsonNode token) {
            Objects.requireNonNull(token, "token");
            if (refusalLogprobs == null) {
                refusalLogprobs = new ArrayList<>();
            }
            refusalLogprobs.add(token);
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
         * Builds the choice.
         *
         * @return the immutable choice
         */
        public Choice build() {
            return new Choice(this);
        }
    }

    // ---- raw fields for the accumulator (same package): no Optional per chunk

    Delta deltaOrNull() {
        return delta;
    }

    String finishReasonOrNull() {
        return finishReason;
    }
}
