package io.noa.realtime.chat;

import java.util.Locale;
import java.util.Objects;

/** Why a choice stopped. The raw wire string is always kept beside it (see {@link StreamingMessage#rawFinishReason()}). */
public enum FinishReason {
    /**
     * Natural end or a stop sequence ({@code "stop"}, also {@code "end_turn"}, {@code "eos"}, and
     * the status {@code "completed"} of an OpenAI Responses stream).
     */
    STOP("stop"),
    /**
     * The token limit was reached ({@code "length"}, also {@code "max_tokens"},
     * {@code "max_output_tokens"}, {@code "model_context_window_exceeded"}).
     */
    LENGTH("length"),
    /** The model called tools ({@code "tool_calls"}, also {@code "tool_use"}). */
    TOOL_CALLS("tool_calls"),
    /** Output was withheld by a content filter ({@code "content_filter"}). */
    CONTENT_FILTER("content_filter"),
    /** The model called a legacy function ({@code "function_call"}). */
    FUNCTION_CALL("function_call"),
    /** The server ended the choice with an error ({@code "error"}, OpenRouter). */
    ERROR("error"),
    /** Any other reason; read the raw string. */
    OTHER("other");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The canonical wire name of this reason.
     *
     * @return e.g. {@code "tool_calls"}; {@code "other"} for {@link #OTHER}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Maps a wire string to a reason, ignoring case. Common synonyms from other APIs are recognised;
     * anything else is {@link #OTHER}.
     *
     * @param wire the raw finish reason
     * @return the reason, never {@code null}
     */
    public static FinishReason fromWire(String wire) {
        Objects.requireNonNull(wire, "wire");
        switch (wire.trim().toLowerCase(Locale.ROOT)) {
            case "stop":
            case "end_turn":
            case "stop_sequence":
            case "eos":
            case "completed":
                return STOP;
            case "length":
            case "max_tokens":
            case "max_output_tokens":
            case "model_context_window_exceeded":
                return LENGTH;
            case "tool_calls":
            case "tool_use":
                return TOOL_CALLS;
            case "content_filter":
            case "refusal":
                return CONTENT_FILTER;
            case "function_call":
                return FUNCTION_CALL;
            case "error":
                return ERROR;
            default:
                return OTHER;
        }
    }
}
