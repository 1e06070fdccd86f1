package io.noa.realtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslHandler;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;

/**
 * A local OpenAI-compatible chat completions server for tests, in the spirit of OkHttp's
 * {@code MockWebServer}: HTTP/1.1 with keep-alive, chunked {@code text/event-stream} answers
 * flushed token by token, scripted responses and faults, and recorded requests.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#mock-inference-server -->
 * <pre>{@code
 * try (MockInferenceServer server = MockInferenceServer.builder().apiKey("sk-test").start();
 *         StreamingChat chat = StreamingChat.builder(server.chatUri()).apiKey("sk-test").model("m").build()) {
 *     server.enqueue(MockResponse.chatTokens("Hel", "lo", "!").withUsage(true));
 *     StreamingMessage answer = chat.send(HELLO).result().get(10, TimeUnit.SECONDS);
 *     assertThat(answer.content()).isEqualTo("Hello!");
 *     RecordedRequest request = server.takeRequest(Duration.ofSeconds(5));
 *     assertThat(request.bodyUtf8()).contains("\"stream\":true");
 * }
 * }</pre>
 *
 * <p>Every request, to any path and with any method, first takes the next response queued with
 * {@link #enqueue(MockResponse)} (first in, first out). With the queue empty, a {@code POST} to
 * the chat path answers like OpenAI: with {@code "stream":true} a {@code chat.completion.chunk}
 * stream of the configured default reply (or, without one, the last user message echoed back),
 * one token per word, with a usage chunk when {@code stream_options.include_usage} is true, then
 * {@code data: [DONE]}; without it a complete {@code chat.completion}. Other paths answer 404,
 * other methods 405, each with an OpenAI-style error body. With an API key configured, a request
 * without {@code Authorization: Bearer <key>} gets 401 before anything else (and does not take a
 * queued response).
 *
 * <p>{@link Builder#dialect(String)} makes it speak another chat API instead: Anthropic Messages
 * ({@code /v1/messages}, {@code x-api-key}, {@code message_start} … {@code message_stop} events,
 * errors as {@code {"type":"error","error":{type,message}}}) or OpenAI Responses
 * ({@code /v1/responses}, {@code response.created} … {@code response.completed}); queued
 * {@link MockResponse#chatTokens(String...)} answers then stream in that dialect too.
 *
 * <p>The server listens on {@code 127.0.0.1} (an ephemeral port unless set), runs on two daemon
 * Netty threads named {@code noa-testkit-inference-*}, and is thread-safe. Close it to free
 * the port and threads.
 */
public final class MockInferenceServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MockInferenceServer.class.getName());

    private final Builder config;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final URI baseUri;
    private final ConcurrentLinkedQueue<MockResponse> queue = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final ReleaseGate gate = new ReleaseGate();
    private final AtomicBoolean closed = new AtomicBoolean();

    private MockInferenceServer(Builder config) {
        this.config = config;
        this.group = NettyServers.newGroup("inference", 2);
        this.serverChannel = NettyServers.bind(group, config.port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                int id = total.getAndIncrement();
                open.incrementAndGet();
                ch.closeFuture().addListener(f -> open.decrementAndGet());
                ChannelPipeline p = ch.pipeline();
                if (config.tls != null) {
                    SSLEngine engine = config.tls.serverContext().createSSLEngine();
                    engine.setUseClientMode(false);
                    p.addLast(new SslHandler(engine));
                }
                p.addLast(new HttpServerCodec());
                p.addLast(new HttpServerExpectContinueHandler());
                p.addLast(new InferenceHandler(MockInferenceServer.this, id, config.maxRequestBodySize));
            }
        });
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        this.baseUri = URI.create((config.tls != null ? "https" : "http") + "://127.0.0.1:" + port);
    }

    /**
     * Starts a server with the defaults: chat path {@code /v1/chat/completions}, no API key,
     * no token delay, plain HTTP, echoing the last user message.
     *
     * @return the running server
     */
    public static MockInferenceServer start() {
        return builder().start();
    }

    /**
     * A builder for a configured server.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server's base URI.
     *
     * @return {@code http://127.0.0.1:<port>} (or {@code https} with TLS)
     */
    public URI baseUri() {
        return baseUri;
    }

    /**
     * The chat endpoint.
     *
     * @return {@link #baseUri()} plus the chat path (by default {@code /v1/chat/completions},
     *     {@code /v1/messages} or {@code /v1/responses}, per {@link #dialect()})
     */
    public URI chatUri() {
        return URI.create(baseUri + config.path);
    }

    /**
     * The chat API this server speaks, by the name the api's {@code Dialect.name()} uses.
     *
     * @return {@code openai-chat} unless the builder set {@code anthropic-messages} or
     *     {@code openai-responses}
     */
    public String dialect() {
        return config.dialect.wireName;
    }

    /** The chat APIs this server speaks. */
    enum Wire {
        OPENAI_CHAT("openai-chat"),
        ANTHROPIC_MESSAGES("anthropic-messages"),
        OPENAI_RESPONSES("openai-responses");

        final String wireName;

        Wire(String wireName) {
            this.wireName = wireName;
        }

        static Wire named(String name) {
            switch (name.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
                case "openai-chat":
                case "openai":
                case "chat":
                    return OPENAI_CHAT;
                case "anthropic-messages":
                case "anthropic":
                case "messages":
                    return ANTHROPIC_MESSAGES;
                case "openai-responses":
                case "responses":
                    return OPENAI_RESPONSES;
                default:
                    throw new IllegalArgumentException("Unknown chat dialect '" + name
                            + "'; use openai-chat, anthropic-messages or openai-responses");
            }
        }
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return baseUri.getPort();
    }

    /**
     * Queues a response for a coming request (any path, any method), first in, first out.
     *
     * @param response the response
     */
    public void enqueue(MockResponse response) {
        queue.add(Objects.requireNonNull(response, "response"));
    }

    /**
     * Queues a scripted response, building it as by {@link MockResponse.Builder#end()}.
     *
     * @param script the script
     */
    public void enqueue(MockResponse.Builder script) {
        enqueue(Objects.requireNonNull(script, "script").build());
    }

    /**
     * How many queued responses no request has taken yet.
     *
     * @return the queue length
     */
    public int queuedResponses() {
        return queue.size();
    }

    /**
     * Lets every response waiting in {@link MockResponse.Builder#awaitRelease()} go on. The gate
     * stays open: responses reaching {@code awaitRelease()} later pass at once (so a release that
     * races ahead of the response is not lost) until {@link #rearmRelease()}.
     */
    public void release() {
        gate.open();
    }

    /** Closes the release gate again: later {@code awaitRelease()} steps wait for the next {@link #release()}. */
    public void rearmRelease() {
        gate.rearm();
    }

    /**
     * How many responses are waiting in {@code awaitRelease()} now.
     *
     * @return the count
     */
    public int awaitingRelease() {
        return gate.waitingCount();
    }

    /**
     * Every request received so far, in arrival order.
     *
     * @return an unmodifiable snapshot
     */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Forgets the requests recorded so far: {@link #requests()} and {@link #takeRequest(Duration)}
     * start empty again. The server records every request it receives, so a long run (a soak of
     * thousands of requests) calls this now and then to keep no memory per request.
     */
    public void clearRecorded() {
        requests.clear();
        untaken.clear();
    }

    /**
     * The next request not taken yet, waiting for it if needed. Each request is returned once.
     *
     * @param timeout how long to wait
     * @return the request
     * @throws IllegalStateException if no request arrives in time (or the thread is interrupted)
     */
    public RecordedRequest takeRequest(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            RecordedRequest r = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new IllegalStateException("no request arrived at " + baseUri + " within " + timeout
                        + " (" + requests.size() + " received in total)");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a request", e);
        }
    }

    /**
     * TCP connections open now.
     *
     * @return the count
     */
    public int openConnections() {
        return open.get();
    }

    /**
     * TCP connections accepted since start.
     *
     * @return the count
     */
    public int totalConnections() {
        return total.get();
    }

    /**
     * Response body bytes (without HTTP framing) written to sockets successfully since start.
     * With {@link MockResponse.Builder#writeForever(byte[])} this grows only as fast as clients
     * read, which makes backpressure visible.
     *
     * @return the byte count
     */
    public long bodyBytesWritten() {
        return bodyBytes.get();
    }

    /** Stops listening, closes every connection and stops the server's threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            gate.open();
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            NettyServers.shutdown(group);
        }
    }

    @Override
    public String toString() {
        return "MockInferenceServer[" + chatUri() + "]";
    }

    // ---- used by InferenceHandler (on event loop threads) ----

    RecordedRequest record(String method, String target, Map<String, List<String>> headers, byte[] body, int connection) {
        RecordedRequest r = new RecordedRequest(method, target, headers, body, sequence.getAndIncrement(), connection);
        requests.add(r);
        untaken.add(r);
        return r;
    }

    private boolean anthropic() {
        return config.dialect == Wire.ANTHROPIC_MESSAGES;
    }

    private boolean responses() {
        return config.dialect == Wire.OPENAI_RESPONSES;
    }

    private String errorJson(int status, String message) {
        return anthropic() ? DialectScripts.anthropicError(status, message) : ChatChunks.errorJson(status, message);
    }

    private boolean authorized(RecordedRequest request) {
        if (anthropic()) {
            return config.apiKey.equals(request.header("x-api-key").orElse(""));
        }
        return ("Bearer " + config.apiKey).equals(request.header("Authorization").orElse(""));
    }

    MockResponse responseFor(RecordedRequest request) {
        if (config.apiKey != null && !authorized(request)) {
            return MockResponse.error(401, errorJson(401, anthropic() ? "invalid x-api-key"
                    : "Incorrect API key provided. You can find your API key in the MockInferenceServer builder."));
        }
        MockResponse queued = queue.poll();
        if (queued != null) {
            return queued;
        }
        if (!request.path().equals(config.path)) {
            return MockResponse.error(404, errorJson(404,
                    "Unknown request URL: " + request.method() + " " + request.path() + ". Try " + config.path + "."));
        }
        if (!request.method().equals("POST")) {
            return MockResponse.error(405, errorJson(405, "Method " + request.method()
                    + " not allowed on " + config.path + "; use POST.")).withHeader("Allow", "POST");
        }
        JsonNode json;
        try {
            json = ChatChunks.JSON.readTree(request.body());
        } catch (java.io.IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return MockResponse.error(400, errorJson(400,
                    "We could not parse the JSON body of your request. (HINT: send a JSON object.)"));
        }
        String reply = config.defaultReply != null ? config.defaultReply : lastUserMessage(json);
        List<String> tokens = ChatChunks.tokenize(reply);
        if (json.path("stream").asBoolean(false)) {
            return MockResponse.chatTokens(tokens.toArray(new String[0]))
                    .withUsage(json.path("stream_options").path("include_usage").asBoolean(false));
        }
        if (anthropic()) {
            return MockResponse.body(200, "application/json", DialectScripts.anthropicMessage(model(request), reply,
                    ChatChunks.countWords(json.get("messages")), tokens.size()));
        }
        if (responses()) {
            return MockResponse.body(200, "application/json", DialectScripts.responsesWhole(model(request), reply,
                    DialectScripts.lastUserText(json.get("input")).split("\\s+").length, tokens.size()));
        }
        String body = ChatChunks.completion(ChatChunks.Completion.create(model(request)), reply,
                ChatChunks.countWords(json.get("messages")), tokens.size());
        return MockResponse.body(200, "application/json", body);
    }

    List<ScriptStep> stepsFor(MockResponse response, RecordedRequest request) {
        if (response.kind != MockResponse.Kind.TOKENS) {
            return response.steps;
        }
        JsonNode messages = null;
        try {
            messages = ChatChunks.JSON.readTree(request.body()).get(responses() ? "input" : "messages");
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.TRACE, "request body is not JSON; usage counts 0 prompt tokens");
        }
        Duration delay = response.tokenDelay != null ? response.tokenDelay : config.tokenDelay;
        if (anthropic()) {
            // Anthropic and Responses always report usage; "done" is their terminal event
            return DialectScripts.anthropic(model(request), response.tokens, delay, response.done,
                    ChatChunks.countWords(messages));
        }
        if (responses()) {
            int prompt = messages != null && messages.isTextual()
                    ? ChatChunks.tokenize(messages.asText()).size() : ChatChunks.countWords(messages);
            return DialectScripts.responses(model(request), response.tokens, delay, response.done, prompt);
        }
        return ChatChunks.script(ChatChunks.Completion.create(model(request)), response.tokens, delay, response.usage,
                response.done, ChatChunks.countWords(messages));
    }

    ReleaseGate gate() {
        return gate;
    }

    AtomicLong bodyBytesCounter() {
        return bodyBytes;
    }

    void addBodyBytes(long n) {
        bodyBytes.addAndGet(n);
    }

    private static String model(RecordedRequest request) {
        try {
            JsonNode model = ChatChunks.JSON.readTree(request.body()).get("model");
            if (model != null && model.isTextual()) {
                return model.asText();
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.TRACE, "request body is not JSON; using the default model name");
        }
        return "mock-model";
    }

    private String lastUserMessage(JsonNode body) {
        if (anthropic() || responses()) {
            String last = DialectScripts.lastUserText(body.get(anthropic() ? "messages" : "input"));
            return last.isEmpty() ? "Hello from MockInferenceServer!" : last;
        }
        JsonNode messages = body.get("messages");
        String last = "";
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                if ("user".equals(m.path("role").asText())) {
                    last = ChatChunks.textOf(m.get("content"));
                }
            }
        }
        return last.isEmpty() ? "Hello from MockInferenceServer!" : last;
    }

    /** Configures a {@link MockInferenceServer}. Not thread-safe. */
    public static final class Builder {
        private int port;
        private String path;
        private Wire dialect = Wire.OPENAI_CHAT;
        private String apiKey;
        private Duration tokenDelay = Duration.ZERO;
        private TestCertificate tls;
        private String defaultReply;
        private long maxRequestBodySize = 16L * 1024 * 1024;

        private Builder() {}

        /**
         * The port to listen on (default 0: an ephemeral port).
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The chat API the server speaks, by the name of the api's {@code Dialect} (pass
         * {@code Dialect.ANTHROPIC_MESSAGES.name()}, or the name itself): {@code openai-chat} (the
         * default), {@code anthropic-messages} or {@code openai-responses}. Another dialect changes
         * the default path, the API key header ({@code x-api-key} for Anthropic), the error bodies
         * and the streamed events.
         *
         * @param name the dialect's name (case and {@code _}/{@code -} ignored; {@code anthropic}
         *     and {@code responses} also work)
         * @return this builder
         * @throws IllegalArgumentException for another name; the message lists the known ones
         */
        public Builder dialect(String name) {
            this.dialect = Wire.named(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * The chat path (default {@code /v1/chat/completions}; {@code /v1/messages} for
         * Anthropic Messages, {@code /v1/responses} for OpenAI Responses).
         *
         * @param path an absolute path
         * @return this builder
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + path);
            }
            this.path = path;
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <apiKey>} ({@code x-api-key: <apiKey>} for
         * Anthropic Messages) on every request; others get a 401 in the dialect's error shape
         * (default: no check).
         *
         * @param apiKey the expected key
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /**
         * The pause before each token of a streamed completion (default none). A response's own
         * {@link MockResponse#withTokenDelay(Duration)} wins.
         *
         * @param delay the pause
         * @return this builder
         */
        public Builder tokenDelay(Duration delay) {
            MockResponse.checkDuration(delay, "delay");
            this.tokenDelay = delay;
            return this;
        }

        /**
         * Serves HTTPS with this certificate.
         *
         * @param certificate the server certificate
         * @return this builder
         */
        public Builder tls(TestCertificate certificate) {
            this.tls = Objects.requireNonNull(certificate, "certificate");
            return this;
        }

        /**
         * The text the default chat answer streams (default: the last user message, echoed).
         *
         * @param text the reply, split into tokens at word starts
         * @return this builder
         */
        public Builder defaultReply(String text) {
            this.defaultReply = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * The largest request body accepted (default 16 MiB); a larger one gets 413 and the
         * connection is closed.
         *
         * @param bytes the limit, at least 1
         * @return this builder
         */
        public Builder maxRequestBodySize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxRequestBodySize must be >= 1: " + bytes);
            }
            this.maxRequestBodySize = bytes;
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IllegalStateException if the port cannot be bound
         */
        public MockInferenceServer start() {
            return new MockInferenceServer(copy());
        }

        private Builder copy() {
            Builder b = new Builder();
            b.port = port;
            b.dialect = dialect;
            b.path = path != null ? path : dialect == Wire.ANTHROPIC_MESSAGES ? "/v1/messages"
                    : dialect == Wire.OPENAI_RESPONSES ? "/v1/responses" : "/v1/chat/completions";
            b.apiKey = apiKey;
            b.tokenDelay = tokenDelay;
            b.tls = tls;
            b.defaultReply = defaultReply;
            b.maxRequestBodySize = maxRequestBodySize;
            return b;
        }
    }

    /** The command line of {@link #main}. */
    static final CommandLine COMMAND_LINE = new CommandLine("MockInferenceServer",
            "An OpenAI-compatible chat completions server streaming a scripted answer token by token.",
            List.of(CommandLine.Option.value("--port", "N", "port to listen on (default 8080; 0: a free one)"),
                    CommandLine.Option.value("--dialect", "NAME", "openai-chat (default), anthropic-messages or "
                            + "openai-responses"),
                    CommandLine.Option.value("--path", "PATH", "the endpoint's path (default /v1/chat/completions, "
                            + "/v1/messages or /v1/responses, per dialect)"),
                    CommandLine.Option.value("--reply", "TEXT", "the answer to every request (default: echo the "
                            + "last user message)"),
                    CommandLine.Option.value("--api-key", "KEY", "require 'Authorization: Bearer KEY' (default: "
                            + "any or none)"),
                    CommandLine.Option.value("--token-delay-ms", "MS", "pause between tokens (default 50)")));

    /**
     * Runs a server from the command line until killed and prints its URL and a {@code curl}
     * line; {@code --help} lists the flags ({@code --port}, {@code --dialect}, {@code --path}, {@code --reply},
     * {@code --api-key}, {@code --token-delay-ms}).
     *
     * @param args the flags
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        COMMAND_LINE.main(args, MockInferenceServer::fromCommandLine);
    }

    static MockInferenceServer fromCommandLine(CommandLine.Values v, PrintStream out) {
        Builder b = builder().port(v.intValue("--port", 8080, 0, 65535))
                .tokenDelay(Duration.ofMillis(v.intValue("--token-delay-ms", 50, 0, 60_000)));
        String dialect = v.get("--dialect", null);
        if (dialect != null) {
            b.dialect(dialect); // an unknown name is a usage error listing the known ones
        }
        String path = v.get("--path", null);
        if (path != null) {
            b.path(path);
        }
        String reply = v.get("--reply", null);
        if (reply != null) {
            b.defaultReply(reply);
        }
        String key = v.get("--api-key", null);
        if (key != null) {
            b.apiKey(key);
        }
        MockInferenceServer server = b.start();
        out.println("MockInferenceServer (" + server.dialect() + ") listening on " + server.chatUri());
        String keyHeader = server.anthropic() ? " -H 'x-api-key: <your --api-key>'"
                : " -H 'Authorization: Bearer <your --api-key>'";
        String turns = server.responses() ? "\"input\":\"hello there\""
                : "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]";
        out.println("try: curl -N " + server.chatUri() + (key == null ? "" : keyHeader)
                + " -d '{\"model\":\"m\",\"stream\":true," + turns + "}'");
        return server;
    }
}
