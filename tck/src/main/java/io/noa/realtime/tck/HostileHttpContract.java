package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.InvalidHeaderException;
import io.noa.realtime.ResponseTimeoutException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.testkit.HostileServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side against servers that do not play along (issue 17): a redirect to another origin,
 * reconnect storms, a response head that never comes, silence after {@code 200 OK}, a client closed
 * mid-stream, bad characters in credentials, a non-ASCII event id, unbounded retention, and an
 * error body that echoes the request. Every server here is a {@link HostileServer} on 127.0.0.1;
 * "closed" is asserted from the server's side.
 */
public abstract class HostileHttpContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PATH = "/v1/chat/completions";
    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

    /** For subclasses. */
    protected HostileHttpContract() {}

    private static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content + "\"}}]}\n\n";
    }

    /** A complete chat answer ("ok", then {@code [DONE]}) after reading the whole request. */
    private static HostileServer.Behavior answers(List<byte[]> bodies) {
        return conn -> {
            String head = conn.readHead();
            bodies.add(conn.readBody(head));
            conn.write(SSE_HEAD + chunk("ok")
                    + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: [DONE]\n\n");
        };
    }

    private StreamingChat.Builder chat(URI uri) {
        return StreamingChat.builder(uri).transport(newTransport()).model("mock-model").retryPolicy(RetryPolicy.none());
    }

    private static StreamingMessage awaitEnd(StreamingChat chat, String id) {
        await().atMost(WAIT).until(() -> !chat.message(id).orElseThrow().isStreaming());
        return chat.message(id).orElseThrow();
    }

    private static void awaitAllClosed(HostileServer server) throws InterruptedException {
        assertThat(server.awaitAllClosed(WAIT)).as("every connection closed on the server's side").isTrue();
    }

    // ---------------------------------------------------------------- defect 2

    private static void assertNoCredentials(String head) {
        for (String name : List.of("Authorization", "x-api-key", "api-key", "apikey", "api_key", "X-Auth-Token",
                "X-Signature")) {
            assertThat(HostileServer.header(head, name)).as(name + " sent to the other origin").isEmpty();
        }
        assertThat(head).doesNotContain("planted");
    }

    /**
     * Contract: a chat request redirected (307) to another origin arrives there with its POST body
     * and without any credential: the configured API key, every usual API-key header, and a
     * header the user marked secret; an ordinary header still goes along.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatCrossOriginRedirectDropsEveryCredentialHeaderAndKeepsTheBody() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        try (HostileServer other = HostileServer.start(answers(bodies));
                HostileServer origin = HostileServer.start(HostileServer.redirect(307, other.uri(PATH).toString()));
                StreamingChat chat = chat(origin.uri(PATH)).apiKey("sk-planted-1")
                        .header("x-api-key", "planted-2").header("api-key", "planted-3").header("apikey", "planted-4")
                        .header("api_key", "planted-5").header("X-Auth-Token", "planted-6")
                        .secretHeader("X-Signature", "planted-7").header("X-Trace", "trace-1").build()) {
            String id = chat.sendMessage(List.of(Message.user("hello-body")));
            StreamingMessage m = awaitEnd(chat, id);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(m.content()).isEqualTo("ok");
            String first = origin.requestHeads().get(0);
            assertThat(HostileServer.header(first, "X-Signature")).contains("planted-7");
            assertThat(HostileServer.header(first, "api_key")).contains("planted-5");
            String second = other.requestHeads().get(0);
            assertThat(second).startsWith("POST ");
            assertNoCredentials(second);
            assertThat(HostileServer.header(second, "X-Trace")).contains("trace-1");
            assertThat(new String(bodies.get(0), StandardCharsets.UTF_8)).contains("hello-body");
        }
    }

    /**
     * Contract: an event stream redirected (302) to another origin is requested there without
     * any credential header (static, supplied, or marked secret).
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseCrossOriginRedirectDropsEveryCredentialHeader() throws Exception {
        try (HostileServer other = HostileServer.start(conn -> {
                    conn.readHead();
                    conn.write(SSE_HEAD + "data: there\n\n");
                    conn.drainUntilClosed();
                });
                HostileServer origin = HostileServer.start(HostileServer.redirect(302, other.uri("/events").toString()))) {
            SseClient sse = SseClient.builder(origin.uri("/events")).transport(newTransport())
                    .header("x-api-key", "planted-2").header("api-key", "planted-3").header("apikey", "planted-4")
                    .header("api_key", "planted-5").secretHeader("X-Signature", "planted-7")
                    .header("X-Trace", "trace-1")
                    .headers(() -> Map.of("Authorization", "Bearer planted-1", "X-Auth-Token", "planted-6"))
                    .retryPolicy(RetryPolicy.none()).build();
            List<String> data = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> data.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> data.contains("there"));
            sse.close();
            String second = other.requestHeads().get(0);
            assertNoCredentials(second);
            assertThat(HostileServer.header(second, "X-Trace")).contains("trace-1");
            assertThat(HostileServer.header(origin.requestHeads().get(0), "X-Signature")).contains("planted-7");
        }
    }

    /**
     * Contract: a 307 or 301 with an empty {@code Location:} is treated like one without
     * {@code Location}: the redirect is not followed (no request for the parent path, no
     * "too many redirects") and the error is an {@link HttpStatusException} with that status.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void emptyLocationIsNotFollowed() throws Exception {
        try (HostileServer origin = HostileServer.start(HostileServer.redirect(307, ""))) {
            SseClient sse = SseClient.builder(origin.uri("/v1/events")).transport(newTransport())
                    .retryPolicy(RetryPolicy.none()).build();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            sse.onError(errors::add);
            sse.connect();
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
            await().atMost(WAIT).until(() -> !errors.isEmpty());
            sse.close();
            assertThat(errors).singleElement().isInstanceOfSatisfying(HttpStatusException.class,
                    e -> assertThat(e.status()).isEqualTo(307));
            assertThat(origin.requestHeads()).singleElement().satisfies(h -> assertThat(h).startsWith("GET /v1/events "));
        }
        try (HostileServer origin = HostileServer.start(HostileServer.redirect(301, ""));
                StreamingChat chat = chat(origin.uri(PATH)).build()) {
            StreamingMessage m = awaitEnd(chat, chat.sendMessage(List.of(Message.user("hi"))));
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.failure()).hasValueSatisfying(e -> assertThat(e).isInstanceOfSatisfying(HttpStatusException.class,
                    h -> assertThat(h.status()).isEqualTo(301)));
            assertThat(origin.requestHeads()).singleElement().satisfies(h -> assertThat(h).startsWith("POST " + PATH + " "));
        }
    }

    // ---------------------------------------------------------------- defect 3

    private static RetryPolicy growing() {
        return RetryPolicy.builder().unlimitedRetries().minDelay(Duration.ofMillis(50)).initialDelay(Duration.ofMillis(50))
                .multiplier(2).randomizationFactor(0).maxDelay(Duration.ofSeconds(10)).build();
    }

    private void assertBackoffGrows(HostileServer.Behavior behavior, boolean expectErrors) throws Exception {
        List<Long> accepted = new CopyOnWriteArrayList<>();
        try (HostileServer server = HostileServer.start(conn -> {
            accepted.add(System.nanoTime());
            behavior.serve(conn);
        })) {
            AtomicInteger errors = new AtomicInteger();
            SseClient sse = SseClient.builder(server.uri("/events")).transport(newTransport()).retryPolicy(growing()).build();
            sse.onError(e -> errors.incrementAndGet());
            sse.connect();
            await().atMost(WAIT).until(() -> accepted.size() >= 5);
            sse.close();
            // The k-th reconnect waits at least minDelay * 2^k, although each connection died young
            // and the server asked for no delay at all.
            for (int k = 1; k <= 3; k++) {
                long gapMs = TimeUnit.NANOSECONDS.toMillis(accepted.get(k + 1) - accepted.get(k));
                assertThat(gapMs).as("delay before connection " + (k + 2)).isGreaterThanOrEqualTo(50L << k);
            }
            int connections = server.connectionsAccepted();
            assertThat(errors.get()).as("onError at most once per connection").isLessThanOrEqualTo(connections);
            if (expectErrors) {
                assertThat(errors.get()).isPositive();
            }
        }
    }

    /**
     * Contract: {@code retry: 0} followed by a close, again and again, does not storm: the delay
     * never goes under the policy's floor and keeps growing, since a connection counts as healthy
     * (resetting the backoff) only after it lived {@code healthyAfter}.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseRetryZeroThenCloseBacksOffAcrossConnectionsThatDieYoung() throws Exception {
        assertBackoffGrows(HostileServer.retryZeroThenClose(), false);
    }

    /**
     * Contract: {@code 503} with {@code Retry-After: 0}, again and again, backs off from the
     * floor, and {@code onError} is called at most once per failed connection.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseUnavailableRetryAfterZeroBacksOff() throws Exception {
        assertBackoffGrows(HostileServer.unavailableRetryAfterZero(), true);
    }

    /**
     * Contract: a connection that stayed open for {@code healthyAfter} resets the backoff: with
     * {@code maxRetries(3)}, three connections that die young, one that lives, and two more
     * that die young still end CONNECTED (without the reset the fourth failure would be FAILED).
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseBackoffResetsAfterAConnectionThatLivedHealthyAfter() throws Exception {
        HostileServer.Behavior young = HostileServer.retryZeroThenClose();
        HostileServer.Behavior lives = conn -> {
            conn.readHead();
            conn.write(SSE_HEAD + "data: alive\n\n");
            Thread.sleep(1000);
        };
        HostileServer.Behavior stays = conn -> {
            conn.readHead();
            conn.write(SSE_HEAD + "data: stays\n\n");
            conn.drainUntilClosed();
        };
        try (HostileServer server = HostileServer.start(HostileServer.sequence(young, young, young, lives, young, young,
                stays))) {
            SseClient sse = SseClient.builder(server.uri("/events")).transport(newTransport())
                    .retryPolicy(RetryPolicy.builder().maxRetries(3).minDelay(Duration.ofMillis(20))
                            .initialDelay(Duration.ofMillis(20)).randomizationFactor(0)
                            .healthyAfter(Duration.ofMillis(200)).build()).build();
            List<String> data = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> data.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> data.contains("stays") || sse.state() == ConnectionState.FAILED);
            assertThat(sse.state()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(server.connectionsAccepted()).isEqualTo(7);
            sse.close();
        }
    }

    // ---------------------------------------------------------------- defect 4

    /**
     * Contract: a server that accepts and never answers fails the SSE connection after the
     * response-head timeout with a retryable {@link ResponseTimeoutException} naming the URL and
     * the setting, and the socket is closed.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseNeverAnsweredFailsAfterTheResponseHeadTimeoutAndClosesTheSocket() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers())) {
            SseClient sse = SseClient.builder(server.uri("/events")).transport(newTransport())
                    .responseHeadTimeout(Duration.ofMillis(300)).retryPolicy(RetryPolicy.none()).build();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            sse.onError(errors::add);
            sse.connect();
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
            await().atMost(WAIT).until(() -> !errors.isEmpty());
            assertThat(errors.get(0)).isInstanceOf(ResponseTimeoutException.class)
                    .hasMessageContaining(server.uri("/events").toString()).hasMessageContaining("responseHeadTimeout");
            assertThat(RetryPolicy.isRetryable(errors.get(0))).isTrue();
            awaitAllClosed(server);
            sse.close();
        }
    }

    /**
     * Contract: a chat server that sends its response head one byte per second fails the message
     * after the response-head timeout, and the socket is closed.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatTrickledHeadFailsAfterTheResponseHeadTimeoutAndClosesTheSocket() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.trickleHead("text/event-stream", Duration.ofSeconds(1)));
                StreamingChat chat = chat(server.uri(PATH)).apiKey("sk-x").responseHeadTimeout(Duration.ofMillis(500)).build()) {
            String id = chat.sendMessage(List.of(Message.user("hi")));
            StreamingMessage m = awaitEnd(chat, id);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.failure()).get().isInstanceOf(ResponseTimeoutException.class);
            assertThat(m.failure().orElseThrow().getMessage()).contains("responseHeadTimeout").contains(server.uri(PATH).toString());
            awaitAllClosed(server);
        }
    }

    /**
     * Contract: a chat answer whose body is trickled (a comment every 100 ms, so the idle timeout
     * never fires) ends at the request's total deadline with a {@link ResponseTimeoutException}
     * naming {@code requestTimeout}, and the socket is closed.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatTrickledBodyEndsAtTheTotalDeadline() throws Exception {
        try (HostileServer server = HostileServer.start(conn -> {
                    conn.readBody(conn.readHead());
                    conn.write(SSE_HEAD + chunk("slow"));
                    while (true) {
                        conn.write(": still here\n");
                        Thread.sleep(100);
                    }
                });
                StreamingChat chat = chat(server.uri(PATH)).apiKey("sk-x").idleTimeout(Duration.ofSeconds(5))
                        .requestTimeout(Duration.ofSeconds(1)).build()) {
            String id = chat.sendMessage(List.of(Message.user("hi")));
            StreamingMessage m = awaitEnd(chat, id);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.content()).isEqualTo("slow");
            assertThat(m.failure()).get().isInstanceOf(ResponseTimeoutException.class);
            assertThat(m.failure().orElseThrow().getMessage()).contains("requestTimeout");
            awaitAllClosed(server);
        }
    }

    // ---------------------------------------------------------------- defect 5

    /**
     * Contract: once a 2xx head arrived the chat request is never sent again: a server that goes
     * silent after {@code 200 OK} gets the POST exactly once, and the message ends with the idle
     * timeout error although the policy allows retries.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatNeverRePostsAfterA2xxHead() throws Exception {
        try (HostileServer server = HostileServer.start(conn -> {
                    conn.readBody(conn.readHead());
                    conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                    conn.drainUntilClosed();
                });
                StreamingChat chat = chat(server.uri(PATH)).apiKey("sk-x").idleTimeout(Duration.ofMillis(300))
                        .retryPolicy(RetryPolicy.builder().maxRetries(3).initialDelay(Duration.ofMillis(10))
                                .minDelay(Duration.ofMillis(10)).randomizationFactor(0).build()).build()) {
            String id = chat.sendMessage(List.of(Message.user("hi")));
            StreamingMessage m = awaitEnd(chat, id);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.failure()).get().isInstanceOf(IdleTimeoutException.class);
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> server.connectionsAccepted() == 1);
            assertThat(server.requestHeads()).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- defect 6

    /** Records what a publisher signals, including anything after the terminal signal. */
    private static final class Recorder implements Flow.Subscriber<StreamChunk> {
        final List<StreamChunk> items = new CopyOnWriteArrayList<>();
        final AtomicReference<Object> terminal = new AtomicReference<>();
        final AtomicInteger afterTerminal = new AtomicInteger();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(StreamChunk item) {
            if (terminal.get() != null) {
                afterTerminal.incrementAndGet();
            }
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            if (!terminal.compareAndSet(null, t)) {
                afterTerminal.incrementAndGet();
            }
        }

        @Override
        public void onComplete() {
            if (!terminal.compareAndSet(null, "complete")) {
                afterTerminal.incrementAndGet();
            }
        }
    }

    /**
     * Contract: {@code close()} while a {@code stream()} publisher is receiving chunks ends it with
     * {@link ConnectionClosedException} (no chunk after that) and closes its connection.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatStreamRunningAtCloseEndsWithAClosedErrorAndClosesTheConnection() throws Exception {
        try (HostileServer server = HostileServer.start(conn -> {
            conn.readBody(conn.readHead());
            conn.write(SSE_HEAD);
            for (int i = 0; ; i++) {
                conn.write(chunk("t" + i));
                Thread.sleep(20);
            }
        })) {
            StreamingChat chat = chat(server.uri(PATH)).apiKey("sk-x").build();
            Recorder rec = new Recorder();
            chat.stream(ChatRequest.builder().message(Message.user("hi")).build()).subscribe(rec);
            await().atMost(WAIT).until(() -> rec.items.size() >= 3);
            chat.close();
            await().atMost(WAIT).until(() -> rec.terminal.get() != null);
            assertThat(rec.terminal.get()).isInstanceOf(ConnectionClosedException.class);
            assertThat(((Throwable) rec.terminal.get()).getMessage()).contains("closed");
            int seen = rec.items.size();
            awaitAllClosed(server);
            assertThat(rec.items).hasSize(seen);
            assertThat(rec.afterTerminal.get()).isZero();
        }
    }

    /**
     * Contract: {@code stream()} subscribed after {@code close()} fails at once with
     * {@link ConnectionClosedException} and sends nothing.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatStreamAfterCloseFailsAtOnceAndSendsNothing() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers())) {
            StreamingChat chat = chat(server.uri(PATH)).apiKey("sk-x").build();
            chat.close();
            Recorder rec = new Recorder();
            chat.stream(ChatRequest.builder().message(Message.user("hi")).build()).subscribe(rec);
            await().atMost(WAIT).until(() -> rec.terminal.get() != null);
            assertThat(rec.terminal.get()).isInstanceOf(ConnectionClosedException.class);
            assertThat(rec.items).isEmpty();
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> server.connectionsAccepted() == 0);
        }
    }

    // ---------------------------------------------------------------- defect 7

    /**
     * Contract: an auth supplier returning a token with a character HTTP does not allow fails the
     * message (ERROR) with {@link InvalidHeaderException} naming the header, never the token; no
     * request goes out.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatAuthSupplierWithABadCharacterFailsTheMessageNamingTheHeader() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers());
                StreamingChat chat = chat(server.uri(PATH)).auth(() -> "sk-planted\r\nX-Evil: 1").build()) {
            String id = chat.sendMessage(List.of(Message.user("hi")));
            StreamingMessage m = awaitEnd(chat, id);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            Throwable error = m.failure().orElseThrow();
            assertThat(error).isInstanceOf(InvalidHeaderException.class).hasMessageContaining("Authorization")
                    .hasMessageNotContaining("planted");
            assertThat(((InvalidHeaderException) error).headerName()).isEqualTo("Authorization");
            assertThat(server.connectionsAccepted()).isZero();
        }
    }

    /**
     * Contract: an API key or header value with a character HTTP does not allow is refused when
     * the client is configured, with {@link InvalidHeaderException} naming the header, never the
     * value.
     */
    @Test
    public void aBadCharacterInAConfiguredCredentialIsRefusedNamingTheHeader() {
        assertThatThrownBy(() -> StreamingChat.builder(URI.create("http://127.0.0.1:1" + PATH)).apiKey("sk-planted€"))
                .isInstanceOf(InvalidHeaderException.class).hasMessageContaining("Authorization")
                .hasMessageNotContaining("planted");
        assertThatThrownBy(() -> StreamingChat.builder(URI.create("http://127.0.0.1:1" + PATH))
                        .secretHeader("X-Signature", "planted\n"))
                .isInstanceOf(InvalidHeaderException.class).hasMessageContaining("X-Signature")
                .hasMessageNotContaining("planted");
        assertThatThrownBy(() -> SseClient.builder(URI.create("http://127.0.0.1:1/events")).header("x-api-key", "planted\u0000"))
                .isInstanceOf(InvalidHeaderException.class).hasMessageContaining("x-api-key")
                .hasMessageNotContaining("planted");
        // WebSocket: the upgrade headers are checked by the options builder (it never reaches a transport)
        assertThatThrownBy(() -> RealtimeClient.builder(URI.create("ws://127.0.0.1:1/ws"))
                        .header("Authorization", "Bearer planted\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Authorization")
                .hasMessageNotContaining("planted");
    }

    /**
     * Contract: an SSE header supplier returning a value with a character HTTP does not allow ends
     * the client FAILED with {@link InvalidHeaderException} naming the header (not retried, no
     * hang); no request goes out.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseHeaderSupplierWithABadCharacterFailsNamingTheHeader() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers())) {
            SseClient sse = SseClient.builder(server.uri("/events")).transport(newTransport())
                    .headers(() -> Map.of("Authorization", "Bearer planted€")).build();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            sse.onError(errors::add);
            sse.connect();
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED && !errors.isEmpty());
            assertThat(errors.get(0)).isInstanceOf(InvalidHeaderException.class).hasMessageContaining("Authorization")
                    .hasMessageNotContaining("planted");
            assertThat(server.connectionsAccepted()).isZero();
            sse.close();
        }
    }

    // ---------------------------------------------------------------- defect 8

    /**
     * Contract: a legal non-ASCII {@code id:} is sent back on the reconnect percent-encoded as
     * UTF-8 ({@code café-€} → {@code caf%C3%A9-%E2%82%AC}) and the client keeps reconnecting.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseNonAsciiIdIsPercentEncodedInLastEventIdAndTheClientReconnects() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.sequence(conn -> {
            conn.readHead();
            conn.write((SSE_HEAD + "id: café-€ %\ndata: one\n\n").getBytes(StandardCharsets.UTF_8));
        }, conn -> {
            conn.readHead();
            conn.write(SSE_HEAD + "data: two\n\n");
            conn.drainUntilClosed();
        }))) {
            SseClient sse = SseClient.builder(server.uri("/events")).transport(newTransport()).retryPolicy(growing()).build();
            List<String> data = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> data.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> data.contains("two"));
            assertThat(sse.lastEventId()).contains("café-€ %");
            assertThat(HostileServer.header(server.requestHeads().get(1), "Last-Event-ID"))
                    .contains("caf%C3%A9-%E2%82%AC%20%25");
            assertThat(sse.state()).isEqualTo(ConnectionState.CONNECTED);
            sse.close();
        }
    }

    // ---------------------------------------------------------------- defect 15

    /**
     * Contract: {@code messages()} keeps at most {@code maxRetainedMessages} finished messages,
     * dropping the oldest finished first; a running message is never dropped.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatKeepsAtMostMaxRetainedFinishedMessagesAndNeverARunningOne() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        try (HostileServer server = HostileServer.start(HostileServer.sequence(conn -> {
                    conn.readBody(conn.readHead());
                    conn.write(SSE_HEAD + chunk("running"));
                    conn.drainUntilClosed();
                }, answers(bodies)));
                StreamingChat chat = chat(server.uri(PATH)).apiKey("sk-x").maxRetainedMessages(3).build()) {
            String running = chat.sendMessage(List.of(Message.user("0")));
            await().atMost(WAIT).until(() -> chat.message(running).orElseThrow().content().equals("running"));
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                String id = chat.sendMessage(List.of(Message.user(String.valueOf(i))));
                assertThat(awaitEnd(chat, id).state()).isEqualTo(StreamingMessage.State.COMPLETED);
                ids.add(id);
            }
            assertThat(chat.messages().keySet()).containsExactly(running, ids.get(2), ids.get(3), ids.get(4));
            assertThat(chat.message(running).orElseThrow().isStreaming()).isTrue();
        }
    }

    // ---------------------------------------------------------------- defect 16

    private static void assertNoPlantedSecret(Throwable error) {
        assertThat(error).isInstanceOf(HttpStatusException.class);
        HttpStatusException h = (HttpStatusException) error;
        assertThat(h.status()).isEqualTo(401);
        assertThat(h.getMessage()).doesNotContain("planted");
        assertThat(h.toString()).doesNotContain("planted");
        assertThat(h.bodyExcerpt()).doesNotContain("planted").isNotEmpty();
        h.error().ifPresent(e -> assertThat(e.message()).doesNotContain("planted"));
    }

    /**
     * Contract: a 401 whose body echoes the chat request carries none of the configured secrets
     * (API key, secret headers, the URL's query) in the exception's message, excerpt or parsed
     * error.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void chatEchoed401CarriesNoSecret() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.echoing401());
                StreamingChat chat = chat(URI.create(server.uri(PATH) + "?key=q-planted-4242")).apiKey("sk-planted-1")
                        .header("x-api-key", "xk-planted-2").secretHeader("X-Signature", "sig-planted-3").build()) {
            String id = chat.sendMessage(List.of(Message.user("hi")));
            StreamingMessage m = awaitEnd(chat, id);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertNoPlantedSecret(m.failure().orElseThrow());
            assertThat(m.toString()).doesNotContain("planted");
        }
    }

    /**
     * Contract: a 401 whose body echoes the SSE request carries none of the configured secrets.
     *
     * @throws Exception on a test failure
     */
    @Test
    public void sseEchoed401CarriesNoSecret() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.echoing401())) {
            SseClient sse = SseClient.builder(URI.create(server.uri("/events") + "?token=q-planted-4242"))
                    .transport(newTransport()).header("api-key", "ak-planted-2").secretHeader("X-Signature", "sig-planted-3")
                    .headers(() -> Map.of("Authorization", "Bearer sk-planted-1")).build();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            sse.onError(errors::add);
            sse.connect();
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED && !errors.isEmpty());
            assertNoPlantedSecret(errors.get(0));
            sse.close();
        }
    }
}
