package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Token usage of a completion. Immutable. Counts the server did not send are {@code 0}; every other
 * usage field ({@code prompt_tokens_details}, {@code completion_tokens_details},
 * {@code prompt_cache_hit_tokens}, ...) is kept in {@link #details()}.
 */
public final class Usage {
    private final long promptTokens;
    private final long completionTokens;
    private final long totalTokens;
    private final Map<String, JsonNode> details;

    private Usage(long promptTokens, long completionTokens, long totalTokens, Map<String, JsonNode> details) {
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.totalTokens = totalTokens;
        this.details = ChatJson.copy(details);
    }

    /**
     * Creates a usage record.
     *
     * @param promptTokens tokens in the prompt
     * @param completionTokens tokens generated
     * @param totalTokens the total as sent by the server, or a negative value to use the sum
     * @param details the other usage fields by wire name; may be empty
     * @return the usage
     */
    public static Usage of(long promptTokens, long completionTokens, long totalTokens, Map<String, JsonNode> details) {
        Objects.requireNonNull(details, "details");
        long total = totalTokens < 0 ? Math.max(0, promptTokens) + Math.max(0, completionTokens) : totalTokens;
        return new Usage(Math.max(0, promptTokens), Math.max(0, completionTokens), total, details);
    }

    /**
     * Tokens in the prompt.
     *
     * @return the count, {@code 0} if not sent
     */
    public long promptTokens() {
        return promptTokens;
    }

    /**
     * Tokens generated.
     *
     * @return the count, {@code 0} if not sent
     */
    public long completionTokens() {
        return completionTokens;
    }

    /**
     * The total, as sent by the server (or prompt + completion if it sent none).
     *
     * @return the count
     */
    public long totalTokens() {
        return totalTokens;
    }

    /**
     * Every other usage field, by wire name, in arrival order.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, JsonNode> details() {
        return details;
    }

    /**
     * {@code completion_tokens_details.reasoning_tokens}, if sent.
     *
     * @return the reasoning token count
     */
    public OptionalLong reasoningTokens() {
        return nested("completion_tokens_details", "reasoning_tokens");
    }

    /**
     * {@code prompt_tokens_details.cached_tokens}, if sent.
     *
     * @return the cached prompt token count
     */
    public OptionalLong cachedTokens() {
        return nested("prompt_tokens_details", "cached_tokens");
    }

    private OptionalLong nested(String object, String field) {
        JsonNode n = details.get(object);
        if (n == null) {
            return OptionalLong.empty();
        }
        JsonNode v = n.get(field);
        if (v == null || !(v.isNumber() || v.isTextual())) {
            return OptionalLong.empty();
        }
        if (v.isTextual()) {
            try {
                return OptionalLong.of(Long.parseLong(v.asText().trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(v.asLong());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Usage)) {
            return false;
        }
        Usage u = (Usage) o;
        return promptTokens == u.promptTokens && completionTokens == u.completionTokens
                && totalTokens == u.totalTokens && details.equals(u.details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(promptTokens, completionTokens, totalTokens, details);
    }

    @Override
    public String toString() {
        return "Usage{prompt=" + promptTokens + ", completion=" + completionTokens + ", total=" + totalTokens
                + (details.isEmpty() ? "" : ", details=" + details) + '}';
    }
}
