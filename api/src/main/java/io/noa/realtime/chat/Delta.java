package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code delta} of one choice in one chunk: the pieces to append. Immutable. Absent and
 * {@code null} wire fields are both empty here.
 */
public final class Delta {
    private final String rawRole;
    private final String content;
    private final String reasoning;
    private final String refusal;
    private final List<ToolCall> toolCalls;
    private final ToolCall functionCall;
    private final List<JsonNode> annotations;
    private final Map<String, JsonNode> extras;

    private Delta(Builder b) {
        this.rawRole = ChatJson.emptyToNull(b.rawRole);
        this.content = b.content;
        this.reasoning = b.reasoning;
        this.refusal = b.refusal;
        this.toolCalls = b.toolCalls == null ? List.of() : List.copyOf(b.toolCalls);
        this.functionCall = b.functionCall;
        this.annotations = b.annotations == null ? List.of() : List.copyOf(b.annotations);
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
     * The role, if sent and known.
     *
     * @return the role
     */
    public Optional<Role> role() {
        return rawRole == null ? Optional.empty() : Role.fromWire(rawRole);
    }

    /**
     * The role exactly as sent, including roles this SDK does not know.
     *
     * @return the raw role
     */
    public Optional<String> rawRole() {
        return Optional.ofNullable(rawRole);
    }

    /**
     * The content piece.
     *
     * @return the text to append, if sent (may be the empty string)
     */
    public Optional<String> content() {
        return Optional.ofNullable(content);
    }

    /**
     * The reasoning piece, from {@code reasoning_content} (DeepSeek, SGLang, older vLLM) or
     * {@code reasoning} (newer vLLM, Ollama, OpenRouter).
     *
     * @return the text to append, if sent
     */
    public Optional<String> reasoning() {
        return Optional.ofNullable(reasoning);
    }

    /**
     * The refusal piece.
     *
     * @return the text to append, if sent
     */
    public Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * The tool call fragments, in wire order.
     *
     * @return an unmodifiable list, empty if none (also for {@code tool_calls:[]} and {@code null})
     */
    public List<ToolCall> toolCalls() {
        return toolCalls;
    }

    /**
     * The legacy {@code function_call} fragment.
     *
     * @return the fragment, if sent
     */
    public Optional<ToolCall> functionCall() {
        return Optional.ofNullable(functionCall);
    }

    /**
     * The {@code annotations} (for example {@code url_citation} objects), as JSON.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<JsonNode> annotations() {
        return annotations;
    }

    /**
     * Fields of the delta this decoder does not model, by wire name.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, JsonNode> extras() {
        return extras;
    }

    /**
     * Whether the delta carries nothing at all.
     *
     * @return {@code true} for {@code delta:{}}
     */
    public boolean isEmpty() {
        return rawRole == null && content == null && reasoning == null && refusal == null && toolCalls.isEmpty()
                && functionCall == null && annotations.isEmpty() && extras.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Delta)) {
            return false;
        }
        Delta d = (Delta) o;
        return Objects.equals(rawRole, d.rawRole) && Objects.equals(content, d.content)
                && Objects.equals(reasoning, d.reasoning) && Objects.equals(refusal, d.refusal)
                && toolCalls.equals(d.toolCalls) && Objects.equals(functionCall, d.functionCall)
                && annotations.equals(d.annotations) && extras.equals(d.extras);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rawRole, content, reasoning, refusal, toolCalls, functionCall, annotations, extras);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Delta{");
        if (rawRole != null) {
            sb.append("role=").append(rawRole).append(", ");
        }
        if (content != null) {
            sb.append("content=").append(content).append(", ");
        }
        if (reasoning != null) {
            sb.append("reasoning=").append(reasoning).append(", ");
        }
        if (refusal != null) {
            sb.append("refusal=").append(refusal).append(", ");
        }
        if (!toolCalls.isEmpty()) {
            sb.append("toolCalls=").append(toolCalls).append(", ");
        }
        if (functionCall != null) {
            sb.append("functionCall=").append(functionCall).append(", ");
        }
        if (!annotations.isEmpty()) {
            sb.append("annotations=").append(annotations.size()).append(", ");
        }
        if (!extras.isEmpty()) {
            sb.append("extras=").append(extras.keySet()).append(", ");
        }
        if (sb.length() > 6) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link Delta}. Not thread-safe. */
    public static final class Builder {
        private String rawRole;
        private String content;
        private String reasoning;
        private String refusal;
        // collections are created when first needed: most deltas have none
        private List<ToolCall> toolCalls;
        private ToolCall functionCall;
        private List<JsonNode> annotations;
        private Map<String, JsonNode> extras;

        private Builder() {}

        /**
         * Sets the raw role.
         *
         * @param role the wire role, or {@code null}
         * @return this builder
         */
        public Builder role(String role) {
            this.rawRole = role;
            return this;
        }

        /**
         * Sets the content piece.
         *
         * @param content the text, or {@code null} for absent
         * @return this builder
         */
        public Builder content(String content) {
            this.content = content;
            return this;
        }

        /**
         * Appends a reasoning piece (a delta carrying both {@code reasoning_content} and
         * {@code reasoning} with the same text counts it once).
         *
         * @param reasoning the text, or {@code null} for absent
         * @return this builder
         */
        public Builder reasoning(String reasoning) {
            if (reasoning == null) {
                return this;
            }
            if (this.reasoning == null || this.reasoning.isEmpty()) {
                this.reasoning = reasoning;
            } else if (!reasoning.isEmpty() && !this.reasoning.equals(reasoning)) {
                this.reasoning = this.reasoning + reasoning;
            }
            return this;
        }

        /**
         * Sets the refusal piece.
         *
         * @param refusal the text, or {@code null} for absent
         * @return this builder
         */
        public Builder refusal(String refusal) {
            this.refusal = refusal;
            return this;
        }

        /**
         * Adds a tool call fragment.
         *
         * @param fragment the fragment
         * @return this builder
         */
        public Builder addToolCall(ToolCall fragment) {
            Objects.requireNonNull(fragment, "fragment");
            if (toolCalls == null) {
                toolCalls = new ArrayList<>();
            }
            toolCalls.add(fragment);
            return this;
        }

        /**
         * Sets the legacy {@code function_call} fragment.
         *
         * @param fragment the fragment, or {@code null}
         * @return this builder
         */
        public Builder functionCall(ToolCall fragment) {
            this.functionCall = fragment;
            return this;
        }

        /**
         * Adds an annotation.
         *
         * @param annotation the annotation JSON
         * @return this builder
         */
        public Builder addAnnotation(JsonNode annotation) {
            Objects.requireNonNull(annotation, "annotation");
            if (annotations == null) {
                annotations = new ArrayList<>();
            }
            annotations.add(annotation);
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
         * Builds the delta.
         *
         * @return the immutable delta
         */
        public Delta build() {
            return new Delta(this);
        }
    }

    // ---- raw fields for the accumulator (same package): no Optional per chunk

    String rawRoleOrNull() {
        return rawRole;
    }

    String contentOrNull() {
        return content;
    }

    String reasoningOrNull() {
        return reasoning;
    }

    String refusalOrNull() {
        return refusal;
    }

    ToolCall functionCallOrNull() {
        return functionCall;
    }
}
