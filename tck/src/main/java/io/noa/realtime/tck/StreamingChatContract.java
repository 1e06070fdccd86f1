package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.FinishReason;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@link StreamingChat} contract over a transport, against the testkit
 * {@link MockInferenceServer}: token-by-token delivery, cancel, concurrency, errors before the
 * stream, no duplicate POSTs, fragmentation, backpressured chunk streams, update coalescing.
 */
public abstract class StreamingChatContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** For subclasses. */
    protected StreamingChatContract() {}

    private StreamingChat.Builder chat(URI uri) {
        return StreamingChat.builder(uri).transport(newTransport()).apiKey("sk-contract").model("mock-model")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(50))
                        .randomizationFactor(0).build());
    }

    private static String[] tokens(int n) {
        String[] t = new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = "t" + i + " ";
        }
        return t;
    }

    private static StreamingMessage awaitDone(StreamingChat chat, String id) {
        await().atMost(WAIT).until(() -> chat.message(id).map(m -> !m.isStreaming()).orElse(false));
        return chat.message(id).orElseThrow();
    }

    /**
     * Contract: a 500-token answer arrives token by token; the first token is seen while the
     * server is still streaming; the final message is complete and correct.
     */
    @Test
    public void fiveHundredTokensArriveTokenByToken() {
        try (MockInferenceServer server = MockInferenceServer.builder().apiKey("sk-contract").start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            String[] tokens = tokens(500);
            server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(2)).withUsage(true));
            List<StreamingMessage> updates = new CopyOnWriteArrayList<>();
            chat.onUpdate(updates::add);
            String id = chat.sendMessage(List.of(Message.user("count to 500")));
            assertThat(chat.message(id)).hasValueSatisfying(m -> assertThat(m.isStreaming()).isTrue());
            StreamingMessage done = awaitDone(chat, id);
            assertThat(done.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(done.content()).isEqualTo(String.join("", tokens));
            assertThat(done.finishReason()).contains(FinishReason.STOP);
            assertThat(done.usage()).isPresent();
            StreamingMessage first = updates.stream().filter(m -> !m.content().isEmpty()).findFirst().orElseThrow();
            assertThat(first.isStreaming()).isTrue();
            assertThat(first.content()).isEqualTo("t0 ");
            assertThat(updates.stream().filter(StreamingMessage::isStreaming).count()).isGreaterThanOrEqualTo(500);
            assertThat(server.takeRequest(WAIT).bodyUtf8()).contains("\"stream\":true").contains("mock-model");
        }
    }

    /**
     * Contract: cancelling mid-stream closes the connection (the server sees it within a second)
     * and leaves the message CANCELLED with the content received so far.
     */
    @Test
    public void cancelMidStreamClosesTheConnectionAndKeepsPartialContent() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            String[] tokens = tokens(2_000);
            server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(5)));
            String id = chat.sendMessage(List.of(Message.user("long")));
            await().atMost(WAIT).until(() -> chat.message(id).orElseThrow().content().length() > 20);
            assertThat(chat.cancelStream(id)).isTrue();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server.openConnections() == 0);
            StreamingMessage m = chat.message(id).orElseThrow();
            assertThat(m.state()).isEqualTo(StreamingMessage.State.CANCELLED);
            assertThat(m.isStreaming()).isFalse();
            assertThat(m.content()).isNotEmpty();
            assertThat(String.join("", tokens)).startsWith(m.content());
            assertThat(chat.activeStreams()).isZero();
        }
    }

    /** Contract: 100 concurrent streams on one client all complete with the right content. */
    @Test
    public void hundredConcurrentStreamsAllComplete() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            String[] tokens = tokens(50);
            for (int i = 0; i < 100; i++) {
                server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(1)));
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ids.add(chat.sendMessage(List.of(Message.user("q" + i))));
            }
            for (String id : ids) {
                StreamingMessage m = awaitDone(chat, id);
                assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
                assertThat(m.content()).isEqualTo(String.join("", tokens));
            }
            assertThat(chat.messages().keySet()).containsExactlyElementsOf(ids);
            assertThat(server.requests()).hasSize(100);
        }
    }

    /**
     * Contract: with no {@code onUpdate} listener (so snapshots are built on demand), the
     * callbacks of one message may read every other message while all stream at once — through
     * {@code messages()}, {@code message(id)} and {@code ChatCall.snapshot()} — without a
     * deadlock between the streams' locks, and every message ends complete.
     */
    @Test
    public void readingOtherMessagesFromInsideCallbacksNeverDeadlocks() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            String[] tokens = tokens(200);
            int n = 8;
            for (int i = 0; i < n; i++) {
                server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(1)));
            }
            List<io.noa.realtime.chat.ChatCall> calls = new CopyOnWriteArrayList<>();
            List<CompletableFuture<StreamingMessage>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                io.noa.realtime.chat.ChatCall call = chat.send(ChatRequest.builder()
                        .messages(List.of(Message.user("q" + i))).build());
                calls.add(call);
                results.add(call.result());
                call.updates().subscribe(new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(StreamingMessage item) {
                        assertThat(chat.messages()).isNotEmpty();
                        for (io.noa.realtime.chat.ChatCall other : calls) {
                            assertThat(chat.message(other.id())).isPresent();
                            assertThat(other.snapshot()).isNotNull();
                        }
                    }

                    @Override
                    public void onError(Throwable throwable) {}

                    @Override
                    public void onComplete() {}
                });
            }
            for (CompletableFuture<StreamingMessage> r : results) {
                StreamingMessage m = r.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
                assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
                assertThat(m.content()).isEqualTo(String.join("", tokens));
            }
            for (io.noa.realtime.chat.ChatCall call : calls) {
                assertThat(chat.message(call.id()).orElseThrow().content()).isEqualTo(String.join("", tokens));
            }
        }
    }

    /**
     * Contract: a stream that ended normally is never requested again, and a stream cut after
     * its first byte is reported (TRUNCATED or ERROR), not silently retried.
     *
     * @throws Exception on failure
     */
    @Test
    public void neverResendsAPostOnceBytesArrived() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            server.enqueue(MockResponse.chatTokens("a", "b"));
            StreamingMessage ok = awaitDone(chat, chat.sendMessage(List.of(Message.user("1"))));
            assertThat(ok.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            server.enqueue(MockResponse.stream()
                    .write("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n")
                    .closeAbruptly());
            StreamingMessage cut = awaitDone(chat, chat.sendMessage(List.of(Message.user("2"))));
            assertThat(cut.state()).isIn(StreamingMessage.State.ERROR, StreamingMessage.State.TRUNCATED);
            assertThat(cut.content()).isEqualTo("par");
            Thread.sleep(500);
            assertThat(server.requests()).hasSize(2);
        }
    }

    /**
     * Contract: errors before the stream are typed and retried only when retryable: 401 and 429
     * {@code insufficient_quota} fail at once; 503 with {@code Retry-After: 1} is retried once,
     * after about a second, and then succeeds.
     */
    @Test
    public void errorsBeforeTheStreamAreTypedAndRetriedOnlyWhenRetryable() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            server.enqueue(MockResponse.error(401,
                    "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
            StreamingMessage unauthorized = awaitDone(chat, chat.sendMessage(List.of(Message.user("x"))));
            assertThat(unauthorized.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(unauthorized.failure()).containsInstanceOf(HttpStatusException.class);
            HttpStatusException e401 = (HttpStatusException) unauthorized.failure().orElseThrow();
            assertThat(e401.status()).isEqualTo(401);
            assertThat(e401.error()).hasValueSatisfying(d -> assertThat(d.code()).contains("invalid_api_key"));
            assertThat(e401.getMessage()).doesNotContain("sk-contract");
            assertThat(server.requests()).hasSize(1);

            server.enqueue(MockResponse.error(429,
                    "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}"));
            StreamingMessage quota = awaitDone(chat, chat.sendMessage(List.of(Message.user("y"))));
            assertThat(quota.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(server.requests()).hasSize(2);

            server.enqueue(MockResponse.error(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}")
                    .withHeader("Retry-After", "1"));
            server.enqueue(MockResponse.chatTokens("after", " retry"));
            long start = System.nanoTime();
            StreamingMessage retried = awaitDone(chat, chat.sendMessage(List.of(Message.user("z"))));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(retried.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(retried.content()).isEqualTo("after retry");
            assertThat(server.requests()).hasSize(4);
            assertThat(elapsedMs).as("the retry honoured Retry-After: 1").isGreaterThanOrEqualTo(900);
        }
    }

    /**
     * Contract: a server that ignores {@code stream:true} and answers 200 {@code application/json}
     * with a whole {@code chat.completion} gives that message as one final snapshot: content,
     * tool calls, finish reason and usage; no retry. The document is bounded by
     * {@code maxEventSize}: a larger one is a {@link StreamFormatException} naming that setting.
     */
    @Test
    public void wholeJsonCompletionBecomesOneFinalSnapshot() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            server.enqueue(MockResponse.body(200, "application/json; charset=utf-8", "{\"id\":\"chatcmpl-9\","
                    + "\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"mock-model\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"It is sunny.\","
                    + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                    + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}"));
            List<StreamingMessage> updates = new CopyOnWriteArrayList<>();
            chat.onUpdate(updates::add);
            String id = chat.sendMessage(List.of(Message.user("weather?")));
            StreamingMessage done = awaitDone(chat, id);
            assertThat(done.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(done.content()).isEqualTo("It is sunny.");
            assertThat(done.toolCalls()).singleElement().satisfies(call -> {
                assertThat(call.name()).contains("weather");
                assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
            });
            assertThat(done.finishReason()).contains(FinishReason.TOOL_CALLS);
            assertThat(done.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(13));
            await().atMost(WAIT).until(() -> updates.stream().anyMatch(m -> !m.isStreaming()));
            assertThat(updates).filteredOn(m -> !m.content().isEmpty()).singleElement()
                    .satisfies(m -> assertThat(m.isStreaming()).isFalse());
            assertThat(server.requests()).hasSize(1);
        }
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).maxEventSize(1024).build()) {
            server.enqueue(MockResponse.body(200, "application/json", "{\"object\":\"chat.completion\",\"choices\":[{"
                    + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + "x".repeat(2000) + "\"}}]}"));
            StreamingMessage tooLarge = awaitDone(chat, chat.sendMessage(List.of(Message.user("long"))));
            assertThat(tooLarge.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(tooLarge.failure()).hasValueSatisfying(e -> assertThat(e)
                    .isInstanceOf(StreamFormatException.class).hasMessageContaining("StreamingChat.Builder.maxEventSize"));
        }
    }

    /**
     * Contract: a streamed event larger than {@code maxEventSize} ends the message in ERROR with
     * a {@link LimitExceededException} naming the public setting
     * {@code StreamingChat.Builder.maxEventSize} (not a parser parameter); no retry.
     */
    @Test
    public void oversizedEventNamesStreamingChatMaxEventSize() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).maxEventSize(1024).build()) {
            server.enqueue(MockResponse.stream().write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                    + "x".repeat(2000) + "\"}}]}\n\n").stall().end());
            StreamingMessage tooLarge = awaitDone(chat, chat.sendMessage(List.of(Message.user("long"))));
            assertThat(tooLarge.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(tooLarge.failure()).hasValueSatisfying(e -> assertThat(e)
                    .isInstanceOfSatisfying(LimitExceededException.class,
                            l -> assertThat(l.setting()).isEqualTo("StreamingChat.Builder.maxEventSize"))
                    .hasMessageContaining("StreamingChat.Builder.maxEventSize"));
            assertThat(server.requests()).hasSize(1);
        }
    }

    /**
     * Contract: an answer larger than {@code StreamingChat.Builder.maxMessageChars} ends the
     * message in ERROR with a {@link LimitExceededException} naming that public setting and its
     * limit; the request is not sent again (the server answered).
     */
    @Test
    public void answerOverMaxMessageCharsNamesTheSetting() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).maxMessageChars(10).build()) {
            server.enqueue(MockResponse.chatTokens("0123456789", "abcdef"));
            StreamingMessage m = awaitDone(chat, chat.sendMessage(List.of(Message.user("x"))));
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.failure()).get().isInstanceOfSatisfying(LimitExceededException.class, e -> {
                assertThat(e.setting()).isEqualTo("StreamingChat.Builder.maxMessageChars");
                assertThat(e.limit()).isEqualTo(10);
                assertThat(e.getMessage()).contains("'StreamingChat.Builder.maxMessageChars'");
            });
            assertThat(server.requests()).hasSize(1);
        }
    }

    /**
     * Contract: a 200 answer that is neither {@code text/event-stream} nor JSON ends the message
     * in ERROR with a {@link StreamFormatException} naming what arrived; no retry.
     */
    @Test
    public void wrongContentTypeIsATypedErrorNamingWhatArrived() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            server.enqueue(MockResponse.body(200, "text/html", "<html><body>Sign in</body></html>"));
            StreamingMessage done = awaitDone(chat, chat.sendMessage(List.of(Message.user("hi"))));
            assertThat(done.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(done.failure()).hasValueSatisfying(e -> {
                assertThat(e).isInstanceOf(StreamFormatException.class);
                assertThat(e.getMessage()).contains("text/event-stream").contains("text/html");
            });
            assertThat(server.requests()).hasSize(1);
        }
    }

    /** Contract: the same stream through a proxy forwarding one byte at a time gives the same message. */
    @Test
    public void oneByteFragmentationGivesTheSameMessage() {
        try (MockInferenceServer server = MockInferenceServer.start();
                ChaosProxy proxy = ChaosProxy.start(server.port())) {
            String[] tokens = {"Grüß", " dich", ", ", "世界", " ✓", "!"};
            server.enqueue(MockResponse.chatTokens(tokens).withUsage(true));
            StreamingMessage direct;
            try (StreamingChat chat = chat(server.chatUri()).build()) {
                direct = awaitDone(chat, chat.sendMessage(List.of(Message.user("hi"))));
            }
            proxy.fragment(1);
            server.enqueue(MockResponse.chatTokens(tokens).withUsage(true));
            StreamingMessage proxied;
            try (StreamingChat chat = chat(proxy.proxied(server.chatUri())).build()) {
                proxied = awaitDone(chat, chat.sendMessage(List.of(Message.user("hi"))));
            }
            assertThat(direct.content()).isEqualTo("Grüß dich, 世界 ✓!");
            assertThat(proxied.content()).isEqualTo(direct.content());
            assertThat(proxied.state()).isEqualTo(direct.state());
            assertThat(proxied.finishReason()).isEqualTo(direct.finishReason());
            assertThat(proxied.usage()).isEqualTo(direct.usage());
        }
    }

    /**
     * Contract: {@code stream(request)} is a cold publisher of chunks with backpressure; it
     * completes after {@code [DONE]}, and cancelling it closes the connection.
     *
     * @throws Exception on failure
     */
    @Test
    public void chunkPublisherHonoursDemandAndCancel() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            server.enqueue(MockResponse.chatTokens("a", "b", "c"));
            ChatRequest request = ChatRequest.builder().message(Message.user("hi")).build();
            List<StreamChunk> chunks = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> completed = new CompletableFuture<>();
            chat.stream(request).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamChunk item) {
                    chunks.add(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    completed.completeExceptionally(throwable);
                }

                @Override
                public void onComplete() {
                    completed.complete(null);
                }
            });
            completed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(chunks).hasSizeGreaterThanOrEqualTo(4);
            assertThat(server.requests()).hasSize(1);

        }
        // a fresh server: the completed stream above may have left a pooled keep-alive connection
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            ChatRequest request = ChatRequest.builder().message(Message.user("hi")).build();
            server.enqueue(MockResponse.chatTokens(tokens(5_000)).withTokenDelay(Duration.ofMillis(1)));
            AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
            List<StreamChunk> few = new CopyOnWriteArrayList<>();
            chat.stream(request).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription.set(s);
                    s.request(3);
                }

                @Override
                public void onNext(StreamChunk item) {
                    few.add(item);
                }

                @Override
                public void onError(Throwable throwable) {}

                @Override
                public void onComplete() {}
            });
            await().atMost(WAIT).until(() -> few.size() == 3);
            Thread.sleep(300);
            assertThat(few).hasSize(3);
            subscription.get().cancel();
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
        }
    }

    /**
     * Contract: a coalescing listener gets far fewer snapshots than tokens, always the final one,
     * and its content is never behind what it saw before.
     */
    @Test
    public void coalescedUpdatesAlwaysEndWithTheFinalSnapshot() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri()).build()) {
            String[] tokens = tokens(300);
            server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(3)));
            List<StreamingMessage> seen = new CopyOnWriteArrayList<>();
            chat.onUpdate(Duration.ofMillis(200), seen::add);
            String id = chat.sendMessage(List.of(Message.user("slowly")));
            awaitDone(chat, id);
            await().atMost(WAIT).until(() -> !seen.isEmpty() && !seen.get(seen.size() - 1).isStreaming());
            assertThat(seen.size()).isLessThan(100);
            assertThat(seen.get(seen.size() - 1).content()).isEqualTo(String.join("", tokens));
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).content()).startsWith(seen.get(i - 1).content());
            }
            assertThat(seen.stream().filter(m -> !m.isStreaming()).count()).isEqualTo(1);
            assertThat(Map.copyOf(chat.messages())).containsKey(id);
        }
    }
}
