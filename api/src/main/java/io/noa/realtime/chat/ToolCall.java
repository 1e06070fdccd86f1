package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.StreamFormatException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A tool (function) call: either one streamed fragment as decoded from a chunk, or the call
 * accumulated from all its fragments. Immutable.
 *
 * <p>Fragments usually carry {@code id}, {@code type} and {@code name} only in the first piece and
 * a slice of {@link #arguments()} in every piece. An empty string for {@code id}, {@code type} or
 * {@code name} is treated as absent.
 */
public final class ToolCall {
    private final int index;
    private final String id;
    private final String type;
    private final String name;
    private final CharSequence arguments; // a String, or a frozen accumulator text materialised on first use

    private ToolCall(int index, String id, String type, String name, CharSequence arguments) {
        this.index = index;
        this.id = ChatJson.emptyToNull(id);
        this.type = ChatJson.emptyToNull(type);
        this.name = ChatJson.emptyToNull(name);
        this.arguments = arguments == null ? "" : arguments;
    }

    /** Used by the accumulator: the arguments text is materialised on first use. */
    static ToolCall accumulated(int index, String id, String type, String name, CharSequence arguments) {
        return new ToolCall(index, id, type, name, arguments);
    }

    /**
     * A complete function call, e.g. for an assistant {@link Message} replayed to the model.
     *
     * @param id the call id, e.g. {@code call_abc}
     * @param name the function name
     * @param arguments the JSON arguments text
     * @return the call, with type {@code "function"} and no index
     */
    public static ToolCall function(String id, String name, String arguments) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        return new ToolCall(-1, id, "function", name, arguments);
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
     * The position of the call in its choice. For a fragment it is the wire {@code index}, which some
     * servers leave out; for an accumulated call it is always present (the wire index, or the next free
     * position for calls that arrived without one).
     *
     * @return the index, if known
     */
    public OptionalInt index() {
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /**
     * The call id, to be echoed in the {@link Message#tool(String, String) tool result}.
     *
     * @return the id, if the server sent a non-empty one
     */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /**
     * The call type.
     *
     * @return usually {@code "function"}, if sent
     */
    public Optional<String> type() {
        return Optional.ofNullable(type);
    }

    /**
     * The function name.
     *
     * @return the name, if sent
     */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The arguments text: for a fragment its slice, for an accumulated call the concatenation.
     *
     * @return the text, possibly empty, never {@code null}
     */
    public String arguments() {
        return arguments.toString();
    }

    /**
     * Parses the arguments as JSON. An empty or blank text gives an empty object (servers send
     * {@code ""} for functions without parameters).
     *
     * @return the parsed arguments
     * @throws StreamFormatException if the text is not valid JSON (for example a truncated stream)
     */
    public JsonNode parseArguments() {
        String text = arguments();
        if (text.isBlank()) {
            return ChatJson.MAPPER.createObjectNode();
        }
        try {
            return ChatJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new StreamFormatException("tool call arguments are not valid JSON (was the stream cut short?)", text);
        }
    }

    /**
     * Parses the arguments as JSON without throwing.
     *
     * @return the parsed arguments, or empty if they are not valid JSON
     */
    public Optional<JsonNode> argumentsJson() {
        try {
            return Optional.of(parseArguments());
        } catch (StreamFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ToolCall)) {
            return false;
        }
        ToolCall t = (ToolCall) o;
        return index == t.index && Objects.equals(id, t.id) && Objects.equals(type, t.type)
                && Objects.equals(name, t.name) && arguments().equals(t.arguments());
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, id, type, name, arguments());
    }

    @Override
    public String toString() {
        return "ToolCall{index=" + (index < 0 ? "-" : index) + ", id=" + id + ", type=" + type + ", name=" + name
                + ", arguments=" + arguments() + '}';
    }

    /** Builds a {@link ToolCall}. Not thread-safe. */
    public static final class Builder {
        private int index = -1;
        private String id;
        private String type;
        private String name;
        private String arguments = "";

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
         * Sets the id.
         *
         * @param id the id; {@code null} or empty means absent
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the type.
         *
         * @param type the type; {@code null} or empty means absent
         * @return this builder
         */
        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /**
         * Sets the function name.
         *
         * @param name the name; {@code null} or empty means absent
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the arguments text (or slice).
         *
         * @param arguments the text; {@code null} means empty
         * @return this builder
         */
        public Builder arguments(String arguments) {
            this.arguments = arguments == null ? "" : arguments;
            return this;
        }

        /**
         * Builds the call.
         *
         * @return the immutable call
         */
        public ToolCall build() {
            return new ToolCall(index, id, type, name, arguments);
        }
    }
}
