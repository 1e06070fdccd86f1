package io.noa.realtime.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A scripted answer for {@link MockInferenceServer#enqueue(MockResponse)}. Immutable and
 * thread-safe: the {@code with...} methods return changed copies.
 *
 * <p>Three kinds:
 * <ul>
 *   <li>{@link #chatTokens(String...)}: a real OpenAI {@code chat.completion.chunk} stream, one
 *       flushed SSE event per token, then {@code data: [DONE]}.</li>
 *   <li>{@link #error(int, String)} and {@link #body(int, String, String)}: a complete response
 *       with {@code Content-Length}.</li>
 *   <li>{@link #stream()}: a chunked {@code text/event-stream} body written step by step from a
 *       script: writes, pauses, waits for {@link MockInferenceServer#release()}, endless writes
 *       that respect backpressure, stalls and abrupt closes.</li>
 * </ul>
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#mock-response -->
 * <pre>{@code
 * server.enqueue(MockResponse.chatTokens("Hel", "lo").withUsage(true));
 * server.enqueue(MockResponse.error(429, "{\"error\":{\"message\":\"slow down\"}}").withHeader("Retry-After", "1"));
 * server.enqueue(MockResponse.stream().write("data: {\"a\":1}\n\n").awaitRelease().closeAbruptly());
 * }</pre>
 */
public final class MockResponse {
    enum Kind { TOKENS, FIXED, SCRIPT }

    final Kind kind;
    final int status;
    final List<Map.Entry<String, String>> headers;
    final byte[] fixedBody;
    final List<String> tokens;
    final boolean usage;
    final Duration tokenDelay;
    final boolean done;
    final List<ScriptStep> steps;

    private MockResponse(Kind kind, int status, List<Map.Entry<String, String>> headers, byte[] fixedBody,
            List<String> tokens, boolean usage, Duration tokenDelay, boolean done, List<ScriptStep> steps) {
        this.kind = kind;
        this.status = status;
        this.headers = List.copyOf(headers);
        this.fixedBody = fixedBody;
        this.tokens = List.copyOf(tokens);
        this.usage = usage;
        this.tokenDelay = tokenDelay;
        this.done = done;
        this.steps = List.copyOf(steps);
    }

    /**
     * A 200 {@code text/event-stream} chat completion: a role chunk, one
     * {@code chat.completion.chunk} per token (each flushed on its own), a finish chunk with
     * {@code finish_reason "stop"}, optionally a usage chunk, then {@code data: [DONE]}.
     *
     * @param tokens the content pieces, in order
     * @return the response
     */
    public static MockResponse chatTokens(String... tokens) {
        Objects.requireNonNull(tokens, "tokens");
        for (String t : tokens) {
            Objects.requireNonNull(t, "token");
        }
        return new MockResponse(Kind.TOKENS, 200, List.of(), null, Arrays.asList(tokens), false, null, true, List.of());
    }

    /**
     * A complete JSON error response. {@code jsonBody} is sent as is when it starts with
     * <code>{</code>; any other text is wrapped as the message of an OpenAI-style error
     * <code>{"error":{"message":...,"type":...,"param":null,"code":...}}</code>.
     *
     * @param status the HTTP status, 100..599
     * @param jsonBody the JSON body, or a plain message to wrap
     * @return the response
     */
    public static MockResponse error(int status, String jsonBody) {
        Objects.requireNonNull(jsonBody, "jsonBody");
        String body = jsonBody.stripLeading().startsWith("{") ? jsonBody : ChatChunks.errorJson(status, jsonBody);
        return body(status, "application/json", body);
    }

    /**
     * A complete response with a body of any content type.
     *
     * @param status the HTTP status, 100..599
     * @param contentType the {@code Content-Type}
     * @param body the body, sent as UTF-8
     * @return the response
     */
    public static MockResponse body(int status, String contentType, String body) {
        checkStatus(status);
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        return new MockResponse(Kind.FIXED, status, List.of(Map.entry("Content-Type", contentType)),
                body.getBytes(StandardCharsets.UTF_8), List.of(), false, null, true, List.of());
    }

    /**
     * Starts a scripted chunked response: status 200, {@code Content-Type: text/event-stream}
     * unless changed, then the steps in order.
     *
     * @return a new script builder
     */
    public static Builder stream() {
        return new Builder();
    }

    /**
     * This response with one more header (sent in addition to any header of the same name).
     *
     * @param name the header name
     * @param value the header value
     * @return a changed copy
     */
    public MockResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
        return new MockResponse(kind, status, h, fixedBody, tokens, usage, tokenDelay, done, steps);
    }

    /**
     * A {@link #chatTokens} response with or without a final usage chunk ({@code choices: []}).
     *
     * @param on whether to send usage (default false)
     * @return a changed copy
     * @throws IllegalStateException if this is not a {@link #chatTokens} response
     */
    public MockResponse withUsage(boolean on) {
        requireTokens("withUsage");
        return new MockResponse(kind, status, headers, fixedBody, tokens, on, tokenDelay, done, steps);
    }

    /**
     * A {@link #chatTokens} response pausing this long before each token (default: the server's
     * {@code tokenDelay}).
     *
     * @param delay the pause before each token
     * @return a changed copy
     * @throws IllegalStateException if this is not a {@link #chatTokens} response
     */
    public MockResponse withTokenDelay(Duration delay) {
        requireTokens("withTokenDelay");
        checkDuration(delay, "delay");
        return new MockResponse(kind, status, headers, fixedBody, tokens, usage, delay, done, steps);
    }

    /**
     * A {@link #chatTokens} response that ends the body without {@code data: [DONE]}.
     *
     * @return a changed copy
     * @throws IllegalStateException if this is not a {@link #chatTokens} response
     */
    public MockResponse withoutDone() {
        requireTokens("withoutDone");
        return new MockResponse(kind, status, headers, fixedBody, tokens, usage, tokenDelay, false, steps);
    }

    /**
     * The HTTP status this response sends.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The first value of a header this response sends, matched case-insensitively.
     *
     * @param name the header name
     * @return the value, or empty
     */
    public Optional<String> header(String name) {
        Objects.requireNonNull(name, "name");
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    @Override
    public String toString() {
        switch (kind) {
            case TOKENS:
                return "MockResponse[chatTokens " + tokens.size() + " tokens]";
            case FIXED:
                return "MockResponse[" + status + ", " + fixedBody.length + " body bytes]";
            default:
                return "MockResponse[" + status + " stream, " + steps.size() + " steps]";
        }
    }

    private void requireTokens(String method) {
        if (kind != Kind.TOKENS) {
            throw new IllegalStateException(method + " applies only to MockResponse.chatTokens(...), not to " + this);
        }
    }

    static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599: " + status);
        }
    }

    static void checkDuration(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }

    /**
     * Builds a scripted chunked response step by step. Each write is sent as its own HTTP chunk
     * and flushed. A script that ends without a terminal step ({@link #end()},
     * {@link #closeAbruptly()}, {@link #stall()}, {@link #writeForever(byte[])}) ends normally.
     * Not thread-safe; the built {@link MockResponse} is.
     */
    public static final class Builder {
        private int status = 200;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private final List<ScriptStep> steps = new ArrayList<>();
        private boolean contentTypeSet;

        private Builder() {}

        /**
         * The HTTP status (default 200).
         *
         * @param status 100..599
         * @return this builder
         */
        public Builder status(int status) {
            checkStatus(status);
            this.status = status;
            return this;
        }

        /**
         * Adds a response header; a {@code Content-Type} replaces the default
         * {@code text/event-stream}.
         *
         * @param name the header name
         * @param value the header value
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.equalsIgnoreCase("Content-Type")) {
                contentTypeSet = true;
            }
            headers.add(Map.entry(name, value));
            return this;
        }

        /**
         * Writes UTF-8 text as one chunk and flushes it.
         *
         * @param utf8 the text
         * @return this builder
         */
        public Builder write(String utf8) {
            return write(Objects.requireNonNull(utf8, "utf8").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Writes bytes as one chunk and flushes them.
         *
         * @param bytes the bytes (copied)
         * @return this builder
         */
        public Builder write(byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            return add(new ScriptStep.Write(bytes.clone()));
        }

        /**
         * Writes bytes split into pieces of {@code pieceSize} bytes (the last may be shorter),
         * each its own chunk, flushed separately. Splits fall anywhere, even inside a UTF-8
         * character or an SSE line.
         *
         * @param bytes the bytes (copied)
         * @param pieceSize the size of each piece, at least 1
         * @return this builder
         */
        public Builder writeInPieces(byte[] bytes, int pieceSize) {
            Objects.requireNonNull(bytes, "bytes");
            if (pieceSize < 1) {
                throw new IllegalArgumentException("pieceSize must be >= 1: " + pieceSize);
            }
            for (int i = 0; i < bytes.length; i += pieceSize) {
                add(new ScriptStep.Write(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + pieceSize))));
            }
            return this;
        }

        /**
         * Waits before the next step.
         *
         * @param duration how long
         * @return this builder
         */
        public Builder pause(Duration duration) {
            checkDuration(duration, "duration");
            return add(new ScriptStep.Pause(duration));
        }

        /**
         * Holds the response here (everything before is already flushed) until
         * {@link MockInferenceServer#release()} is called; passes at once if it already was.
         *
         * @return this builder
         */
        public Builder awaitRelease() {
            return add(new ScriptStep.AwaitRelease());
        }

        /**
         * Sends {@code count} SSE comment lines {@code ": heartbeat"}, one every {@code every}
         * (the first after one interval).
         *
         * @param every the interval
         * @param count how many
         * @return this builder
         */
        public Builder heartbeatComments(Duration every, int count) {
            checkDuration(every, "every");
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0: " + count);
            }
            byte[] comment = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < count; i++) {
                add(new ScriptStep.Pause(every));
                add(new ScriptStep.Write(comment));
            }
            return this;
        }

        /**
         * Writes {@code chunk} again and again as fast as the client reads, never faster: the
         * server stops writing while the socket's send buffer is full (Netty channel writability)
         * and {@link MockInferenceServer#bodyBytesWritten()} counts only flushed bytes. Ends when
         * the client goes away; nothing may follow.
         *
         * @param chunk the bytes to repeat (copied), not empty
         * @return this builder
         */
        public Builder writeForever(byte[] chunk) {
            Objects.requireNonNull(chunk, "chunk");
            if (chunk.length == 0) {
                throw new IllegalArgumentException("chunk must not be empty");
            }
            return add(new ScriptStep.WriteForever(chunk.clone()));
        }

        /**
         * Keeps the connection open and writes nothing more, never ending the body; nothing may
         * follow.
         *
         * @return this builder
         */
        public Builder stall() {
            return add(new ScriptStep.Stall());
        }

        /**
         * Closes the TCP connection (after the earlier writes are flushed) without the final
         * empty chunk, so the client sees a truncated body; nothing may follow.
         *
         * @return this builder
         */
        public Builder closeAbruptly() {
            return add(new ScriptStep.CloseAbruptly());
        }

        /**
         * Ends the chunked body normally (the kept-alive connection can carry the next request)
         * and builds the response. After a terminal step ({@link #stall()},
         * {@link #closeAbruptly()}, {@link #writeForever(byte[])}) this just builds.
         *
         * @return the response
         */
        public MockResponse end() {
            return end0();
        }

        /**
         * Builds the response as scripted so far; same as {@link #end()}.
         *
         * @return the response
         */
        public MockResponse build() {
            return end0();
        }

        private MockResponse end0() {
            List<ScriptStep> s = new ArrayList<>(steps);
            if (s.isEmpty() || !ScriptStep.isTerminal(s.get(s.size() - 1))) {
                s.add(new ScriptStep.End());
            }
            List<Map.Entry<String, String>> h = new ArrayList<>();
            if (!contentTypeSet) {
                h.add(Map.entry("Content-Type", "text/event-stream"));
            }
            h.addAll(headers);
            return new MockResponse(Kind.SCRIPT, status, h, null, List.of(), false, null, true, s);
        }

        private Builder add(ScriptStep step) {
            if (!steps.isEmpty() && ScriptStep.isTerminal(steps.get(steps.size() - 1))) {
                throw new IllegalStateException("nothing can follow " + steps.get(steps.size() - 1).getClass().getSimpleName()
                        + " in a MockResponse script");
            }
            steps.add(step);
            return this;
        }
    }
}
