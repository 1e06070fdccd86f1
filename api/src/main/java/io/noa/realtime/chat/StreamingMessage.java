package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An immutable snapshot of a streamed chat message, as accumulated so far by a
 * {@link ChunkAccumulator}. Safe to share between threads. Texts are materialised on first access and
 * memoised, so taking a snapshot is cheap and reading it costs one copy of each text read.
 *
 * <p>The convenience accessors ({@link #content()}, {@link #toolCalls()}, ...) read the first choice
 * (index 0 for ordinary requests); {@link #choices()} gives every choice for {@code n > 1}.
 */
public final class StreamingMessage {

    /** Where the stream of a message stands. */
    public enum State {
        /** Chunks are still arriving. */
        STREAMING,
        /** The server ended the stream normally ({@code [DONE]}, a terminal event, or all choices finished). */
        COMPLETED,
        /** The server reported an error in the stream, or the transport failed; partial content is kept. */
        ERROR,
        /** The caller cancelled the stream; partial content is kept. This is a normal end, not an error. */
        CANCELLED,
        /**
         * The stream ended with neither a finish reason nor {@code [DONE]}: the answer is incomplete and
         * the request may be retried. Partial content is kept.
         */
        TRUNCATED
    }

    private final String id;
    private final Meta meta;
    private final State state;
    private final List<ChoiceState> choices;
    private final Usage usage;
    private final ErrorDetail error;
    private final Throwable failure;
    private final Map<String, JsonNode> extras;
    private final int chunkCount;

    StreamingMessage(String id, Meta meta, State state, List<ChoiceState> choices, Usage usage, ErrorDetail error,
            Throwable failure, Map<String, JsonNode> extras, int chunkCount) {
        this.id = id;
        this.meta = meta;
        this.state = state;
        this.choices = choices;
        this.usage = usage;
        this.error = error;
        this.failure = failure;
        this.extras = extras;
        this.chunkCount = chunkCount;
    }

    /** Response metadata: the first non-empty value of each field wins. */
    static final class Meta {
        static final Meta EMPTY = new Meta(null, null, -1, null, null);

        final String responseId;
        final String model;
        final long created;
        final String systemFingerprint;
        final String serviceTier;

        Meta(String responseId, String model, long created, String systemFingerprint, String serviceTier) {
            this.responseId = responseId;
            this.model = model;
            this.created = created;
            this.systemFingerprint = systemFingerprint;
            this.serviceTier = serviceTier;
        }
    }

    /**
     * The SDK's id of this message, given when the stream was started.
     *
     * @return the message id
     */
    public String id() {
        return id;
    }

    /**
     * The server's id of the completion: the first non-empty chunk {@code id}.
     *
     * @return the response id, if one arrived
     */
    public Optional<String> responseId() {
        return Optional.ofNullable(meta.responseId);
    }

    /**
     * The model that answered: the first non-empty chunk {@code model}.
     *
     * @return the model, if one arrived
     */
    public Optional<String> model() {
        return Optional.ofNullable(meta.model);
    }

    /**
     * Creation time in Unix seconds: the first non-zero chunk {@code created}.
     *
     * @return the time, if one arrived
     */
    public OptionalLong created() {
        return meta.created > 0 ? OptionalLong.of(meta.created) : OptionalLong.empty();
    }

    /**
     * The first non-empty {@code system_fingerprint}.
     *
     * @return the fingerprint, if one arrived
     */
    public Optional<String> systemFingerprint() {
        return Optional.ofNullable(meta.systemFingerprint);
    }

    /**
     * The first non-empty {@code service_tier}.
     *
     * @return the tier, if one arrived
     */
    public Optional<String> serviceTier() {
        return Optional.ofNullable(meta.serviceTier);
    }

    /**
     * Where the stream stands.
     *
     * @return the state
     */
    public State state() {
        return state;
    }

    /**
     * Whether chunks may still arrive.
     *
     * @return {@code true} while {@link #state()} is {@link State#STREAMING}
     */
    public boolean isStreaming() {
        return state == State.STREAMING;
    }

    /**
     * Every choice seen so far, by index.
     *
     * @return an unmodifiable list, empty before the first choice arrives
     */
    public List<ChoiceState> choices() {
        return choices;
    }

    /**
     * The choice with the given index.
     *
     * @param index the choice index
     * @return the choice, if it was seen
     */
    public Optional<ChoiceState> choice(int index) {
        for (ChoiceState c : choices) {
            if (c.index() == index) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private Optional<ChoiceState> first() {
        return choices.isEmpty() ? Optional.empty() : Optional.of(choices.get(0));
    }

    /**
     * The content of the first choice.
     *
     * @return the text so far, possibly empty
     */
    public String content() {
        return first().map(ChoiceState::content).orElse("");
    }

    /**
     * The reasoning text of the first choice.
     *
     * @return the text so far, possibly empty
     */
    public String reasoning() {
        return first().map(ChoiceState::reasoning).orElse("");
    }

    /**
     * The refusal text of the first choice.
     *
     * @return the text so far, possibly empty
     */
    public String refusal() {
        return first().map(ChoiceState::refusal).orElse("");
    }

    /**
     * The tool calls of the first choice.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<ToolCall> toolCalls() {
        return first().map(ChoiceState::toolCalls).orElse(List.of());
    }

    /**
     * The finish reason of the first choice; {@link FinishReason#TOOL_CALLS} when it made tool calls
     * even if the server said {@code "stop"}.
     *
     * @return the reason, once the first choice finished
     */
    public Optional<FinishReason> finishReason() {
        return first().flatMap(ChoiceState::finishReason);
    }

    /**
     * The finish reason of the first choice exactly as sent.
     *
     * @return the raw reason, once the first choice finished
     */
    public Optional<String> rawFinishReason() {
        return first().flatMap(ChoiceState::rawFinishReason);
    }

    /**
     * The usage: the last non-null usage of any chunk.
     *
     * @return the usage, if one arrived
     */
    public Optional<Usage> usage() {
        return Optional.ofNullable(usage);
    }

    /**
     * The error the server reported inside the stream (the first one).
     *
     * @return the error, if one arrived
     */
    public Optional<ErrorDetail> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The local failure that ended the stream (transport, HTTP status, format, limit).
     *
     * @return the failure, if the stream was failed by {@link ChunkAccumulator#fail(Throwable)}
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Top-level chunk fields the decoder does not model (e.g. Azure's {@code prompt_filter_results},
     * OpenRouter's {@code provider}); the last non-empty value of each wins.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, JsonNode> extras() {
        return extras;
    }

    /**
     * How many chunks were accepted.
     *
     * @return the count
     */
    public int chunkCount() {
        return chunkCount;
    }

    @Override
    public String toString() {
        return "StreamingMessage{id=" + id + ", state=" + state + ", choices=" + choices.size()
                + ", contentLength=" + first().map(c -> c.content.length()).orElse(0)
                + (usage != null ? ", usage=" + usage : "") + (error != null ? ", error=" + error : "")
                + (failure != null ? ", failure=" + failure.getClass().getSimpleName() : "") + '}';
    }

    /** The accumulated state of one choice. Immutable; texts are materialised on first access. */
    public static final class ChoiceState {
        private final int index;
        private final String rawRole;
        private final CharSequence content;
        private final CharSequence reasoning;
        private final CharSequence refusal;
        private final List<ToolCall> toolCalls;
        private final ToolCall functionCall;
        private final String rawFinish;
        private final List<JsonNode> logprobs;
        private final List<JsonNode> refusalLogprobs;
        private final List<JsonNode> annotations;
        private final Map<String, JsonNode> extras;

        ChoiceState(int index, String rawRole, CharSequence content, CharSequence reasoning, CharSequence refusal,
                List<ToolCall> toolCalls, ToolCall functionCall, String rawFinish, List<JsonNode> logprobs,
                List<JsonNode> refusalLogprobs, List<JsonNode> annotations, Map<String, JsonNode> extras) {
            this.index = index;
            this.rawRole = rawRole;
            this.content = content;
            this.reasoning = reasoning;
            this.refusal = refusal;
            this.toolCalls = toolCalls;
            this.functionCall = functionCall;
            this.rawFinish = rawFinish;
            this.logprobs = logprobs;
            this.refusalLogprobs = refusalLogprobs;
            this.annotations = annotations;
            this.extras = extras;
        }

        /**
         * The choice index.
         *
         * @return the index
         */
        public int index() {
            return index;
        }

        /**
         * The role announced for this choice.
         *
         * @return the role, if sent and known
         */
        public Optional<Role> role() {
            return rawRole == null ? Optional.empty() : Role.fromWire(rawRole);
        }

        /**
         * The role exactly as first sent.
         *
         * @return the raw role, if sent
         */
        public Optional<String> rawRole() {
            return Optional.ofNullable(rawRole);
        }

        /**
         * The content.
         *
         * @return the text so far, possibly empty
         */
        public String content() {
            return content.toString();
        }

        /**
         * The reasoning, from {@code reasoning_content} and {@code reasoning} deltas.
         *
         * @return the text so far, possibly empty
         */
        public String reasoning() {
            return reasoning.toString();
        }

        /**
         * The refusal.
         *
         * @return the text so far, possibly empty
         */
        public String refusal() {
            return refusal.toString();
        }

        /**
         * The tool calls, by index (calls sharing an index in arrival order).
         *
         * @return an unmodifiable list, possibly empty
         */
        public List<ToolCall> toolCalls() {
            return toolCalls;
        }

        /**
         * The legacy {@code function_call}, name and concatenated arguments.
         *
         * @return the call, if any fragment arrived
         */
        public Optional<ToolCall> functionCall() {
            return Optional.ofNullable(functionCall);
        }

        /**
         * The finish reason. A {@code "stop"} from a choice that made tool calls (older Ollama) is
         * reported as {@link FinishReason#TOOL_CALLS} (or {@link FinishReason#FUNCTION_CALL} for a
         * legacy function call); {@link #rawFinishReason()} keeps what the server said.
         *
         * @return the reason, once the choice finished
         */
        public Optional<FinishReason> finishReason() {
            if (rawFinish == null) {
                return Optional.empty();
            }
            FinishReason r = FinishReason.fromWire(rawFinish);
            if (r == FinishReason.STOP && !toolCalls.isEmpty()) {
                return Optional.of(FinishReason.TOOL_CALLS);
            }
            if (r == FinishReason.STOP && functionCall != null) {
                return Optional.of(FinishReason.FUNCTION_CALL);
            }
            return Optional.of(r);
        }

        /**
         * The finish reason exactly as sent (the last non-empty one).
         *
         * @return the raw reason, once the choice finished
         */
        public Optional<String> rawFinishReason() {
            return Optional.ofNullable(rawFinish);
        }

        /**
         * Whether the choice has a finish reason.
         *
         * @return {@code true} once finished
         */
        public boolean isFinished() {
            return rawFinish != null;
        }

        /**
         * The {@code logprobs.content} entries of every chunk, concatenated.
         *
         * @return an unmodifiable list, possibly empty
         */
        public List<JsonNode> logprobs() {
            return logprobs;
        }

        /**
         * The {@code logprobs.refusal} entries of every chunk, concatenated.
         *
         * @return an unmodifiable list, possibly empty
         */
        public List<JsonNode> refusalLogprobs() {
            return refusalLogprobs;
        }

        /**
         * The {@code delta.annotations} of every chunk (e.g. {@code url_citation}), in arrival order.
         *
         * @return an unmodifiable list, possibly empty
         */
        public List<JsonNode> annotations() {
            return annotations;
        }

        /**
         * Choice and delta fields the decoder does not model (e.g. {@code content_filter_results}); the
         * last non-empty value of each wins.
         *
         * @return an unmodifiable map, possibly empty
         */
        public Map<String, JsonNode> extras() {
            return extras;
        }

        @Override
        public String toString() {
            return "ChoiceState{index=" + index + ", content=" + content() + ", toolCalls=" + toolCalls.size()
                    + ", finish=" + rawFinish + '}';
        }
    }
}
