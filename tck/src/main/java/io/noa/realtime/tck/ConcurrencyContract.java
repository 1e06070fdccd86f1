package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Randomized multi-thread runs of each client type, watched by a deadlock detector
 * ({@link java.lang.management.ThreadMXBean#findDeadlockedThreads()}), with exactly-once
 * accounting: every chat message ends exactly once, every stream subscriber gets exactly one
 * terminal signal, every {@code emitWithAck} future completes exactly once.
 *
 * <p>Short by default; {@code -Dnoa.soak=long} runs the long local setting (see
 * {@link SoakSettings}).
 */
@Tag("concurrency")
public abstract class ConcurrencyContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** For subclasses. */
    protected ConcurrencyContract() {}

    private static ExecutorService daemons(int n, String name) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "noa-tck-" + name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits for the workers; a worker that never ends is reported with the deadlock seen, if any. */
    private static void join(List<Future<?>> workers, DeadlockWatch watch, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (Future<?> f : workers) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(what + ": a worker thread did not finish within " + WAIT + "; "
                        + (watch.seen().isEmpty() ? "no monitor deadlock found (a lost wake-up or a lock cycle"
                                + " through java.util.concurrent locks?)" : watch.seen()), e);
            }
        }
        watch.assertNone();
    }

    /**
     * Contract: threads sending (with {@code send} and {@code sendMessage}), cancelling single
     * calls and streams, cancelling all and closing one chat client never deadlock (issue 17
     * defect 1); every call ends exactly once (its {@code result()} completes and its
     * {@code updates()} subscriber gets exactly one terminal signal, nothing after it), and no
     * message is left streaming after close.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatSendCancelCancelAllAndCloseFromManyThreads() throws Exception {
        int threads = SoakSettings.pick("chat.threads", 8, 16);
        int rounds = SoakSettings.pick("chat.rounds", 4, 50);
        int ops = SoakSettings.pick("chat.ops", 150, 1_000);
        Transport transport = newTransport();
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("one two three four five six")
                .tokenDelay(Duration.ofMillis(1)).start();
                DeadlockWatch watch = DeadlockWatch.start()) {
            ExecutorService pool = daemons(threads, "chat");
            try {
                for (int round = 0; round < rounds; round++) {
                    StreamingChat chat = StreamingChat.builder(server.chatUri()).transport(transport)
                            .apiKey("sk-concurrency").model("mock-model")
                            .retryPolicy(RetryPolicy.builder().maxRetries(1).initialDelay(Duration.ofMillis(5))
                                    .randomizationFactor(0).build())
                            .build();
                    List<ChatCall> calls = new CopyOnWriteArrayList<>();
                    List<String> ids = new CopyOnWriteArrayList<>();
                    Map<ChatCall, TerminalCounter<StreamingMessage>> counters = new ConcurrentHashMap<>();
                    AtomicBoolean closed = new AtomicBoolean();
                    int closer = ThreadLocalRandom.current().nextInt(threads);
                    int closeAt = ThreadLocalRandom.current().nextInt(ops / 2, ops);
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<?>> workers = new ArrayList<>();
                    ChatRequest request = ChatRequest.builder().message(Message.user("hi")).build();
                    for (int t = 0; t < threads; t++) {
                        int me = t;
                        workers.add(pool.submit(() -> {
                            start.await();
                            ThreadLocalRandom rnd = ThreadLocalRandom.current();
                            for (int i = 0; i < ops; i++) {
                                if (me == closer && i == closeAt) {
                                    closed.set(true);
                                    chat.close();
                                    continue;
                                }
                                int r = rnd.nextInt(100);
                                try {
                                    if (r < 20) {
                                        ids.add(chat.sendMessage(List.of(Message.user("hi"))));
                                    } else if (r < 25) {
                                        if (!ids.isEmpty()) {
                                            chat.cancelStream(ids.get(rnd.nextInt(ids.size())));
                                        }
                                    } else if (r < 45) {
                                        ChatCall call = chat.send(request);
                                        TerminalCounter<StreamingMessage> c = new TerminalCounter<>();
                                        counters.put(call, c);
                                        call.updates().subscribe(c);
                                        calls.add(call);
                                    } else if (r < 75) {
                                        if (!calls.isEmpty()) {
                                            calls.get(rnd.nextInt(calls.size())).cancel();
                                        }
                                    } else if (r < 85) {
                                        chat.cancelAll();
                                    } else if (r < 95) {
                                        assertThat(chat.messages()).isNotNull();
                                    } else {
                                        chat.activeStreams();
                                    }
                                } catch (IllegalStateException | RealtimeException e) {
                                    if (!closed.get()) {
                                        throw new AssertionError("call failed before close: " + e, e);
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    join(workers, watch, "chat round " + round);
                    chat.close();
                    for (ChatCall call : calls) {
                        try {
                            call.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                            // a failed or cancelled end is an end
                        } catch (TimeoutException e) {
                            throw new AssertionError("round " + round + ": call " + call + " never ended after close; "
                                    + watch.seen(), e);
                        }
                    }
                    await().atMost(WAIT).untilAsserted(() -> {
                        for (ChatCall call : calls) {
                            TerminalCounter<StreamingMessage> c = counters.get(call);
                            assertThat(c.terminals.get()).as("terminal signals of %s's updates()", call.id())
                                    .isEqualTo(1);
                        }
                    });
                    for (ChatCall call : calls) {
                        assertThat(counters.get(call).afterTerminal.get()).as("signals after the end of %s", call.id())
                                .isZero();
                        assertThat(call.isDone()).isTrue();
                    }
                    await().atMost(WAIT).untilAsserted(() -> {
                        for (String id : ids) {
                            // absent is fine: a bounded history may have let a finished message go
                            assertThat(chat.message(id).map(StreamingMessage::isStreaming).orElse(false))
                                    .as("message %s sent with sendMessage still streaming", id).isFalse();
                        }
                    });
                    for (StreamingMessage m : chat.messages().values()) {
                        assertThat(m.isStreaming()).as("message %s after close", m.id()).isFalse();
                    }
                    assertThat(chat.activeStreams()).isZero();
                    System.out.printf("[figure] %s chat round %d: %d calls + %d sendMessage ended exactly once%n",
                            transport.name(), round, calls.size(), ids.size());
                }
            } finally {
                pool.shutdownNow();
            }
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
        }
    }

    /**
     * Contract: subscribers of {@code stream()} get exactly one terminal signal when the client is
     * closed mid-stream, and the connection is closed (issue 17 defect 6: the stream outlived
     * {@code close()}).
     *
     * @throws Exception on failure
     */
    @Test
    public void chatStreamSubscribersEndWhenTheClientCloses() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder()
                .defaultReply("a b c d e f g h i j k l m n o p q r s t u v w x y z").tokenDelay(Duration.ofMillis(100))
                .start()) {
            StreamingChat chat = StreamingChat.builder(server.chatUri()).transport(newTransport()).apiKey("sk-c")
                    .model("mock-model").build();
            List<TerminalCounter<io.noa.realtime.chat.StreamChunk>> subscribers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TerminalCounter<io.noa.realtime.chat.StreamChunk> c = new TerminalCounter<>();
                chat.stream(ChatRequest.builder().message(Message.user("hi " + i)).build()).subscribe(c);
                subscribers.add(c);
            }
            await().atMost(WAIT).until(() -> subscribers.stream().allMatch(c -> c.items.get() > 0));
            chat.close();
            await().atMost(WAIT).untilAsserted(() -> {
                for (TerminalCounter<io.noa.realtime.chat.StreamChunk> c : subscribers) {
                    assertThat(c.terminals.get()).as("terminal signals of a stream() subscriber after close")
                            .isEqualTo(1);
                }
            });
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            for (TerminalCounter<io.noa.realtime.chat.StreamChunk> c : subscribers) {
                assertThat(c.afterTerminal.get()).as("chunks after the terminal signal").isZero();
            }
        }
    }

    /**
     * Contract: threads connecting, disconnecting, closing and subscribing to {@code events()} on
     * one SSE client never deadlock; after the final close the state is CLOSED, the server sees
     * no connection left, and every {@code events()} subscriber got exactly one terminal signal.
     *
     * @throws Exception on failure
     */
    @Test
    public void sseConnectDisconnectCloseFromManyThreads() throws Exception {
        int threads = SoakSettings.pick("sse.threads", 8, 16);
        int rounds = SoakSettings.pick("sse.rounds", 4, 50);
        int ops = SoakSettings.pick("sse.ops", 150, 1_000);
        Transport transport = newTransport();
        try (EventStreamServer server = EventStreamServer.builder().heartbeatEvery(Duration.ofMillis(50)).start();
                DeadlockWatch watch = DeadlockWatch.start()) {
            ExecutorService pool = daemons(threads + 1, "sse");
            try {
                for (int round = 0; round < rounds; round++) {
                    SseClient sse = SseClient.builder(server.uri()).transport(transport)
                            .retryPolicy(RetryPolicy.builder().unlimitedRetries().initialDelay(Duration.ofMillis(5))
                                    .maxDelay(Duration.ofMillis(20)).randomizationFactor(0).build())
                            .build();
                    List<TerminalCounter<SseEvent>> subscribers = new CopyOnWriteArrayList<>();
                    AtomicBoolean publishing = new AtomicBoolean(true);
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<?>> workers = new ArrayList<>();
                    Future<?> publisher = pool.submit(() -> {
                        while (publishing.get()) {
                            server.publish("x");
                            Thread.sleep(1);
                        }
                        return null;
                    });
                    for (int t = 0; t < threads; t++) {
                        workers.add(pool.submit(() -> {
                            start.await();
                            ThreadLocalRandom rnd = ThreadLocalRandom.current();
                            for (int i = 0; i < ops; i++) {
                                int r = rnd.nextInt(100);
                                if (r < 40) {
                                    sse.connect();
                                } else if (r < 70) {
                                    sse.disconnect();
                                } else if (r < 80) {
                                    TerminalCounter<SseEvent> c = new TerminalCounter<>();
                                    subscribers.add(c);
                                    sse.events().subscribe(c);
                                } else if (r < 83) {
                                    sse.close();
                                } else {
                                    sse.state();
                                    sse.lastEventId();
                                }
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    join(workers, watch, "sse round " + round);
                    sse.close();
                    publishing.set(false);
                    publisher.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(sse.state()).isEqualTo(ConnectionState.CLOSED);
                    await().atMost(WAIT).untilAsserted(() -> {
                        for (TerminalCounter<SseEvent> c : subscribers) {
                            assertThat(c.terminals.get()).as("terminal signals of an events() subscriber").isEqualTo(1);
                        }
                    });
                    for (TerminalCounter<SseEvent> c : subscribers) {
                        assertThat(c.afterTerminal.get()).as("signals after the end").isZero();
                    }
                    await().atMost(WAIT).until(() -> server.connectionCount() == 0);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Contract: threads emitting, emitting with acks, joining and leaving rooms on one realtime
     * client while the link is reset every 100 ms never deadlock; every {@code emitWithAck} future
     * completes exactly once, with the answer to its own payload or a typed error, and none is
     * left pending after close.
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeEmitAckJoinLeaveCloseUnderLinkResets() throws Exception {
        int threads = SoakSettings.pick("ws.threads", 8, 16);
        int rounds = SoakSettings.pick("ws.rounds", 2, 20);
        Duration runFor = Duration.ofMillis(SoakSettings.pick("ws.millis", 2_000, 20_000));
        Transport transport = newTransport();
        try (RoomServer server = RoomServer.builder().token("t-alice", "alice").recordFrames(false).start();
                ChaosProxy proxy = ChaosProxy.start(server.port());
                DeadlockWatch watch = DeadlockWatch.start()) {
            ExecutorService pool = daemons(threads + 1, "ws");
            try {
                for (int round = 0; round < rounds; round++) {
                    RealtimeClient client = RealtimeClient.builder(proxy.proxied(server.uri())).transport(transport)
                            .auth(Map.of("token", "t-alice")).reconnectionDelay(Duration.ofMillis(10))
                            .reconnectionDelayMax(Duration.ofMillis(50)).randomizationFactor(0)
                            .timeout(Duration.ofSeconds(5)).build();
                    Map<Long, CompletableFuture<JsonNode>> acks = new ConcurrentHashMap<>();
                    Map<Long, AtomicInteger> completions = new ConcurrentHashMap<>();
                    Map<Long, AtomicBoolean> rightAnswer = new ConcurrentHashMap<>();
                    AtomicLong next = new AtomicLong();
                    AtomicBoolean running = new AtomicBoolean(true);
                    AtomicBoolean closed = new AtomicBoolean();
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<?>> workers = new ArrayList<>();
                    client.connect();
                    await().atMost(WAIT).until(client::isConnected);
                    workers.add(pool.submit(() -> {
                        start.await();
                        while (running.get()) {
                            Thread.sleep(100);
                            proxy.cutAllConnections();
                        }
                        return null;
                    }));
                    for (int t = 0; t < threads; t++) {
                        workers.add(pool.submit(() -> {
                            start.await();
                            ThreadLocalRandom rnd = ThreadLocalRandom.current();
                            while (running.get()) {
                                int r = rnd.nextInt(100);
                                try {
                                    if (r < 35) {
                                        client.emit("note", Map.of("n", next.incrementAndGet()));
                                    } else if (r < 80) {
                                        long n = next.incrementAndGet();
                                        AtomicInteger done = new AtomicInteger();
                                        AtomicBoolean right = new AtomicBoolean();
                                        CompletableFuture<JsonNode> f = client.emitWithAck("probe", Map.of("n", n),
                                                Duration.ofSeconds(5));
                                        completions.put(n, done);
                                        rightAnswer.put(n, right);
                                        acks.put(n, f);
                                        f.whenComplete((answer, error) -> {
                                            done.incrementAndGet();
                                            right.set(error != null || answer.path("n").asLong() == n);
                                        });
                                    } else if (r < 90) {
                                        client.rooms().join("room-" + rnd.nextInt(4));
                                    } else {
                                        client.rooms().leave("room-" + rnd.nextInt(4));
                                    }
                                } catch (RealtimeException e) {
                                    // a full buffer or a closed client is a typed, immediate answer
                                    if (!closed.get() && !(e instanceof io.noa.realtime.LimitExceededException)) {
                                        throw new AssertionError("emit failed before close: " + e, e);
                                    }
                                }
                                Thread.sleep(rnd.nextInt(1, 4)); // paced: a flood only fills the bounded buffer
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    Thread.sleep(runFor.toMillis());
                    closed.set(true);
                    client.close();
                    running.set(false);
                    join(workers, watch, "realtime round " + round);
                    for (Map.Entry<Long, CompletableFuture<JsonNode>> e : acks.entrySet()) {
                        try {
                            e.getValue().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException | CompletionException
                                | java.util.concurrent.CancellationException ignored) {
                            // a typed failure is a completion
                        } catch (TimeoutException t) {
                            throw new AssertionError("ack " + e.getKey() + " pending after close; " + watch.seen(), t);
                        }
                    }
                    await().atMost(WAIT).untilAsserted(() -> {
                        for (Map.Entry<Long, AtomicInteger> e : completions.entrySet()) {
                            assertThat(e.getValue().get()).as("completions of ack %s", e.getKey()).isEqualTo(1);
                        }
                    });
                    for (Map.Entry<Long, AtomicBoolean> e : rightAnswer.entrySet()) {
                        assertThat(e.getValue().get()).as("ack %s answered with its own payload", e.getKey()).isTrue();
                    }
                    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
                    assertThat(acks).isNotEmpty();
                    long answered = acks.values().stream().filter(f -> !f.isCompletedExceptionally()).count();
                    Map<String, Long> errorKinds = new java.util.TreeMap<>();
                    for (CompletableFuture<JsonNode> f : acks.values()) {
                        if (f.isCompletedExceptionally()) {
                            f.handle((v, err) -> errorKinds.merge((err instanceof CompletionException && err.getCause() != null ? err.getCause() : err).getClass()
                                    .getSimpleName(), 1L, Long::sum));
                        }
                    }
                    System.out.println("[figure] errors by kind " + errorKinds);
                    assertThat(answered).as("acks answered between the link resets").isPositive();
                    System.out.printf("[figure] %s realtime round %d: %d emitWithAck completed exactly once (%d answered,"
                            + " %d typed errors), %d proxied connections%n", transport.name(), round, acks.size(), answered,
                            acks.size() - answered, proxy.totalConnections());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
    /**
     * Contract (issue 17, defect 14): threads flooding {@code emitWithAck} with no pause while the
     * link is reset every 100 ms. The server answers at once, so an ack can only time out if its
     * frame waited (in a buffer or the transport's send queue) for the whole ack timeout: the client
     * must refuse what it cannot send in time with a typed error at the call
     * ({@link io.noa.realtime.LimitExceededException} naming the setting), never accept it and let it
     * time out unsent. Every accepted ack completes exactly once: answered with its own payload, or
     * failed typed ({@link io.noa.realtime.ConnectionClosedException} when its link dropped); none
     * times out, none is lost.
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeAckFloodUnderLinkResetsNeverTimesOutUnsent() throws Exception {
        int threads = SoakSettings.pick("ws.flood.threads", 16, 16);
        Duration runFor = Duration.ofMillis(SoakSettings.pick("ws.flood.millis", 3_000, 60_000));
        Duration ackTimeout = Duration.ofMillis(SoakSettings.pick("ws.flood.ackMillis", 2_000, 2_000));
        Transport transport = newTransport();
        try (RoomServer server = RoomServer.builder().token("t-alice", "alice").recordFrames(false).start();
                ChaosProxy proxy = ChaosProxy.start(server.port());
                DeadlockWatch watch = DeadlockWatch.start()) {
            ExecutorService pool = daemons(threads + 1, "ws-flood");
            RealtimeClient client = RealtimeClient.builder(proxy.proxied(server.uri())).transport(transport)
                    .auth(Map.of("token", "t-alice")).reconnectionDelay(Duration.ofMillis(10))
                    .reconnectionDelayMax(Duration.ofMillis(50)).randomizationFactor(0)
                    .timeout(Duration.ofSeconds(5)).build();
            try {
                // counted, not kept: a long run accepts millions, and their futures would fill the test's heap
                AtomicLong accepted = new AtomicLong();
                Map<String, java.util.concurrent.atomic.LongAdder> outcomeCounts = new ConcurrentHashMap<>();
                AtomicLong next = new AtomicLong();
                AtomicLong refused = new AtomicLong();
                AtomicLong completions = new AtomicLong();
                AtomicLong wrongAnswers = new AtomicLong();
                Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
                AtomicBoolean running = new AtomicBoolean(true);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> workers = new ArrayList<>();
                client.connect();
                await().atMost(WAIT).until(client::isConnected);
                workers.add(pool.submit(() -> {
                    start.await();
                    while (running.get()) {
                        Thread.sleep(100);
                        proxy.cutAllConnections();
                    }
                    return null;
                }));
                for (int t = 0; t < threads; t++) {
                    workers.add(pool.submit(() -> {
                        start.await();
                        while (running.get()) {
                            long n = next.incrementAndGet();
                            try {
                                CompletableFuture<JsonNode> f = client.emitWithAck("probe", Map.of("n", n), ackTimeout);
                                accepted.incrementAndGet();
                                f.whenComplete((answer, error) -> {
                                    if (error == null && answer.path("n").asLong() != n) {
                                        wrongAnswers.incrementAndGet();
                                    }
                                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                                            ? error.getCause() : error;
                                    outcomeCounts.computeIfAbsent(cause == null ? "answered" : cause.getClass().getSimpleName(),
                                            k -> new java.util.concurrent.atomic.LongAdder()).increment();
                                    completions.incrementAndGet(); // last: once counted, its outcome is in the map
                                });
                            } catch (io.noa.realtime.LimitExceededException e) {
                                refused.incrementAndGet();
                                refusals.computeIfAbsent(e.setting(), k -> new AtomicLong()).incrementAndGet();
                                Thread.sleep(1); // refused: back off a little, as an application would
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                Thread.sleep(runFor.toMillis());
                running.set(false);
                join(workers, watch, "realtime ack flood");
                try {
                    await().atMost(WAIT).until(() -> completions.get() == accepted.get());
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError((accepted.get() - completions.get()) + " accepted acks never completed; "
                            + watch.seen(), e);
                }
                Map<String, Long> outcomes = new java.util.TreeMap<>();
                outcomeCounts.forEach((k, v) -> outcomes.put(k, v.sum()));
                System.out.printf("[figure] %s realtime ack flood (%d threads, %d ms, ack timeout %d ms): %d accepted,"
                        + " %d refused at the call %s, outcomes %s, %d proxied connections%n", transport.name(), threads,
                        runFor.toMillis(), ackTimeout.toMillis(), accepted.get(), refused.get(), refusals, outcomes,
                        proxy.totalConnections());
                assertThat(completions.get()).as("completions of the accepted acks").isEqualTo(accepted.get());
                assertThat(wrongAnswers.get()).as("acks answered with another payload").isZero();
                assertThat(outcomes.keySet()).as("outcomes of accepted acks (a timeout means the frame was held"
                        + " unsent for the whole ack timeout)").isSubsetOf("answered", "ConnectionClosedException");
                assertThat(outcomes.getOrDefault("answered", 0L)).as("acks answered").isPositive();
            } finally {
                client.close();
                pool.shutdownNow();
            }
            assertThat(watch.seen()).as("deadlocks").isEmpty();
        }
    }
    /**
     * Contract (issue 17, defect 14): when the peer stops reading, frames pile up in the
     * transport's send queue; once its oldest frame has waited half an ack's timeout, a further
     * {@code emitWithAck} is refused at the call with a {@link io.noa.realtime.LimitExceededException}
     * naming {@code defaultAckTimeout}, long before the byte bound ({@code maxQueuedBytes}, 16 MiB)
     * is reached; every ack accepted before completes exactly once (here: times out, as the peer
     * never answers), and the client stays usable.
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeAckEmitsAreRefusedOnceTheSendQueueIsTooOldToMakeTheirTimeout() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        byte[] connected = "{\"event\":\"$connected\",\"data\":{\"sid\":\"s-1\"}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + connected.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) connected.length;
        System.arraycopy(connected, 0, frame, 2, connected.length);
        Transport transport = newTransport();
        try (io.noa.realtime.testkit.HostileServer server = io.noa.realtime.testkit.HostileServer.start(conn -> {
            conn.acceptWebSocket(conn.readHead());
            conn.write(frame);
            while (!release.get()) { // never reads: the client's frames pile up
                Thread.sleep(20);
            }
        })) {
            Duration ackTimeout = Duration.ofSeconds(2);
            RealtimeClient client = RealtimeClient.builder(server.wsUri("/ws")).transport(transport)
                    .reconnection(false).timeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<JsonNode>> accepted = new ArrayList<>();
            AtomicLong completions = new AtomicLong();
            io.noa.realtime.LimitExceededException refusal = null;
            String padding = "x".repeat(2048);
            try {
                client.connect();
                await().atMost(WAIT).until(client::isConnected);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (refusal == null && System.nanoTime() < deadline) {
                    try {
                        CompletableFuture<JsonNode> f = client.emitWithAck("probe", Map.of("pad", padding), ackTimeout);
                        f.whenComplete((v, e) -> completions.incrementAndGet());
                        accepted.add(f);
                    } catch (io.noa.realtime.LimitExceededException e) {
                        refusal = e;
                    }
                    Thread.sleep(1);
                }
                assertThat(refusal).as("an emitWithAck refused while the peer reads nothing").isNotNull();
                System.out.printf("[figure] %s refused after %d accepted emits: %s%n", transport.name(), accepted.size(),
                        refusal.getMessage());
                assertThat(refusal.setting()).as("the setting the refusal names (%s)", refusal.getMessage())
                        .isEqualTo("defaultAckTimeout");
                assertThat(refusal.getMessage()).contains("probe").doesNotContain(padding);
                for (CompletableFuture<JsonNode> f : accepted) {
                    try {
                        f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                        throw new AssertionError("an ack was answered by a peer that never answers");
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(RealtimeException.class);
                    }
                }
                await().atMost(WAIT).untilAsserted(() -> assertThat(completions.get()).isEqualTo(accepted.size()));
            } finally {
                release.set(true);
                client.close();
            }
            assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        }
    }
}
