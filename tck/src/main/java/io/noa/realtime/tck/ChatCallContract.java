package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The contract of the chat call handle ({@link StreamingChat#send(ChatRequest)} →
 * {@link ChatCall}) over a transport, against the testkit {@link MockInferenceServer}:
 * {@link ChatCall#result()} completes normally with the final snapshot in every terminal state;
 * cancelling that future closes the connection; {@link ChatCall#updates()} ends with the final
 * snapshot under slow demand, for several subscribers and for a late one.
 */
public abstract class ChatCallContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ChatRequest REQUEST = ChatRequest.builder().message(Message.user("hi")).build();

    /** For subclasses. */
    protected ChatCallContract() {}

    private StreamingChat chat(URI uri) {
        return StreamingChat.builder(uri).transport(newTransport()).apiKey("sk-contract").model("mock-model")
                .retryPolicy(RetryPolicy.none()).build();
    }

    private static String[] tokens(int n) {
        String[] t = new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = "t" + i + " ";
        }
        return t;
    }

    private static StreamingMessage finalOf(CompletableFuture<StreamingMessage> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Contract: a completed answer completes {@code result()} with the COMPLETED snapshot.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void resultCompletesWithTheFinalSnapshot() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().apiKey("sk-contract").start();
                StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.chatTokens("Hel", "lo").withUsage(true));
            ChatCall call = chat.send(REQUEST);
            assertThat(call.id()).startsWith("msg_");
            StreamingMessage m = finalOf(call.result());
            assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(m.content()).isEqualTo("Hello");
            assertThat(m.id()).isEqualTo(call.id());
            assertThat(call.isDone()).isTrue();
            assertThat(call.failure()).isEmpty();
            assertThat(chat.message(call.id())).contains(m);
        }
    }

    /**
     * Contract: {@code send(request, onChunk)} hands every chunk of the answer to {@code onChunk},
     * from the first (registered before the request goes out) and in order, all of them before
     * {@code result()} completes; the joined {@code content()} of the chunks is the answer.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void sendWithAChunkListenerSeesEveryChunkBeforeTheResult() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().apiKey("sk-contract").start();
                StreamingChat chat = chat(server.chatUri())) {
            String[] tokens = tokens(50);
            server.enqueue(MockResponse.chatTokens(tokens));
            StringBuilder printed = new StringBuilder(); // the listener runs serially: no lock needed
            List<StreamChunk> chunks = new ArrayList<>();
            ChatCall call = chat.send(REQUEST, chunk -> {
                chunks.add(chunk);
                printed.append(chunk.content().orElse(""));
            });
            StreamingMessage m = finalOf(call.result());
            String seen = printed.toString(); // result() completes after the last chunk callback ran
            assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(seen).isEqualTo(String.join("", tokens)).isEqualTo(m.content());
            assertThat(chunks).extracting(StreamChunk::finishReason).contains(java.util.Optional.of("stop"));
            assertThat(chat.message(call.id())).contains(m);
        }
    }

    /**
     * Contract: {@code cancel()} mid-stream completes {@code result()} normally with the
     * CANCELLED snapshot (partial content kept) and the server sees the connection close.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void resultCompletesWithTheCancelledSnapshot() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.chatTokens(tokens(2_000)).withTokenDelay(Duration.ofMillis(5)));
            ChatCall call = chat.send(REQUEST);
            await().atMost(WAIT).until(() -> call.snapshot().content().length() > 10);
            assertThat(call.cancel()).isTrue();
            StreamingMessage m = finalOf(call.result());
            assertThat(m.state()).isEqualTo(StreamingMessage.State.CANCELLED);
            assertThat(m.content()).isNotEmpty();
            assertThat(call.cancel()).isFalse();
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
        }
    }

    /**
     * Contract: an HTTP error completes {@code result()} normally with an ERROR snapshot carrying it.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void resultCompletesWithTheErrorSnapshotOfAnHttpError() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.error(400, "bad model"));
            ChatCall call = chat.send(REQUEST);
            StreamingMessage m = finalOf(call.result());
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.failure()).containsInstanceOf(HttpStatusException.class);
            assertThat(((HttpStatusException) m.failure().orElseThrow()).status()).isEqualTo(400);
            assertThat(call.failure()).containsInstanceOf(HttpStatusException.class);
        }
    }

    /**
     * Contract: a body that ends cleanly but without {@code [DONE]} or a finish reason completes
     * {@code result()} normally with a TRUNCATED snapshot.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void resultCompletesWithTheTruncatedSnapshot() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.stream()
                    .write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"content\":\"par\"},\"finish_reason\":null}]}\n\n")
                    .end());
            ChatCall call = chat.send(REQUEST);
            StreamingMessage m = finalOf(call.result());
            assertThat(m.state()).isEqualTo(StreamingMessage.State.TRUNCATED);
            assertThat(m.content()).isEqualTo("par");
            assertThat(call.failure()).isPresent();
        }
    }

    /**
     * Contract: {@code result().cancel(true)} cancels the stream (the server sees the connection
     * close); another caller's future completes normally with the CANCELLED snapshot.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void cancellingTheResultFutureClosesTheStream() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.chatTokens(tokens(2_000)).withTokenDelay(Duration.ofMillis(5)));
            ChatCall call = chat.send(REQUEST);
            CompletableFuture<StreamingMessage> other = call.result();
            CompletableFuture<StreamingMessage> mine = call.result();
            await().atMost(WAIT).until(() -> server.openConnections() == 1 && !call.snapshot().content().isEmpty());
            assertThat(mine.cancel(true)).isTrue();
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            StreamingMessage m = finalOf(other);
            assertThat(m.state()).isEqualTo(StreamingMessage.State.CANCELLED);
            assertThat(mine.isCancelled()).isTrue();
            assertThat(chat.activeStreams()).isZero();
        }
    }

    /**
     * Contract: a subscriber that requests one snapshot at a time sees growing snapshots of this
     * message only and always ends with the final snapshot, then {@code onComplete}.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void updatesEndWithTheFinalSnapshotUnderASlowSubscriber() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            String[] tokens = tokens(300);
            server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(1)));
            ChatCall call = chat.send(REQUEST);
            await().atMost(WAIT).until(() -> server.requests().size() == 1);
            server.enqueue(MockResponse.chatTokens("other"));
            ChatCall other = chat.send(REQUEST); // another message on the same chat: not in this call's updates
            Recorder slow = new Recorder(0);
            call.updates().subscribe(slow);
            while (!slow.done()) {
                int seen = slow.items.size();
                slow.request(1);
                await().atMost(WAIT).until(() -> slow.items.size() > seen || slow.done());
            }
            assertThat(slow.completions.get()).isEqualTo(1);
            assertThat(slow.error.get()).isNull();
            StreamingMessage last = slow.items.get(slow.items.size() - 1);
            assertThat(last.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(last.content()).isEqualTo(String.join("", tokens));
            assertThat(slow.items).allSatisfy(m -> assertThat(m.id()).isEqualTo(call.id()));
            assertThat(slow.items.subList(0, slow.items.size() - 1)).allSatisfy(m -> assertThat(m.isStreaming()).isTrue());
            for (int i = 1; i < slow.items.size(); i++) {
                assertThat(slow.items.get(i).content()).startsWith(slow.items.get(i - 1).content());
            }
            finalOf(other.result());
        }
    }

    /**
     * Contract: two subscribers each receive the snapshots and the same final snapshot.
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void twoSubscribersBothEndWithTheFinalSnapshot() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.chatTokens(tokens(100)).withTokenDelay(Duration.ofMillis(1)));
            ChatCall call = chat.send(REQUEST);
            Recorder a = new Recorder(Long.MAX_VALUE);
            Recorder b = new Recorder(Long.MAX_VALUE);
            call.updates().subscribe(a);
            call.updates().subscribe(b);
            StreamingMessage end = finalOf(call.result());
            await().atMost(WAIT).until(() -> a.done() && b.done());
            for (Recorder r : List.of(a, b)) {
                assertThat(r.error.get()).isNull();
                assertThat(r.completions.get()).isEqualTo(1);
                assertThat(r.items.get(r.items.size() - 1)).isSameAs(end);
            }
        }
    }

    /**
     * Contract: a late subscriber first receives the latest snapshot (mid-stream: a streaming one
     * with content; after the end: exactly the final one, then {@code onComplete}).
     *
     * @throws Exception when the call does not end in time
     */
    @Test
    public void aLateSubscriberGetsTheLatestSnapshotFirst() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start(); StreamingChat chat = chat(server.chatUri())) {
            server.enqueue(MockResponse.chatTokens(tokens(1_000)).withTokenDelay(Duration.ofMillis(2)));
            ChatCall call = chat.send(REQUEST);
            await().atMost(WAIT).until(() -> call.snapshot().content().length() > 20);
            Recorder mid = new Recorder(1);
            call.updates().subscribe(mid);
            await().atMost(WAIT).until(() -> mid.items.size() == 1);
            assertThat(mid.items.get(0).content().length()).isGreaterThan(20);
            call.cancel();
            StreamingMessage end = finalOf(call.result());
            mid.request(Long.MAX_VALUE);
            await().atMost(WAIT).until(mid::done);
            assertThat(mid.items.get(mid.items.size() - 1)).isSameAs(end);

            Recorder late = new Recorder(Long.MAX_VALUE);
            call.updates().subscribe(late);
            await().atMost(WAIT).until(late::done);
            assertThat(late.items).containsExactly(end);
            assertThat(late.completions.get()).isEqualTo(1);

            Recorder lateChunks = new Recorder(Long.MAX_VALUE);
            call.chunks().subscribe(new Flow.Subscriber<StreamChunk>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamChunk item) {
                    lateChunks.error.set(new AssertionError("a chunk after the end: " + item));
                }

                @Override
                public void onError(Throwable t) {
                    lateChunks.error.set(t);
                }

                @Override
                public void onComplete() {
                    lateChunks.completions.incrementAndGet();
                }
            });
            await().atMost(WAIT).until(() -> lateChunks.completions.get() == 1);
            assertThat(lateChunks.error.get()).isNull();
        }
    }

    /**
     * Contract: sixteen threads calling send / sendMessage / cancel / cancelStream / cancelAll /
     * messages / forget / close on one chat, in a random order, never deadlock (checked with
     * {@link ThreadMXBean#findDeadlockedThreads()} while they run) and all finish.
     *
     * @throws Exception when a thread fails
     */
    @Test
    public void sixteenThreadsSendingAndCancellingNeverDeadlock() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("a few tokens for everyone")
                .tokenDelay(Duration.ofMillis(1)).start()) {
            for (int round = 0; round < 3; round++) {
                StreamingChat chat = StreamingChat.builder(server.chatUri()).transport(newTransport()).model("m")
                        .retryPolicy(RetryPolicy.none()).maxConcurrentStreams(10_000).build();
                List<Thread> workers = new ArrayList<>();
                List<Throwable> failures = new CopyOnWriteArrayList<>();
                List<String> ids = new CopyOnWriteArrayList<>();
                List<ChatCall> calls = new CopyOnWriteArrayList<>();
                for (int t = 0; t < 16; t++) {
                    long seed = round * 100L + t;
                    Thread worker = new Thread(() -> {
                        Random random = new Random(seed);
                        for (int i = 0; i < 150; i++) {
                            try {
                                step(chat, random, ids, calls, i);
                            } catch (IllegalStateException | LimitExceededException expected) {
                                // closed, or too many streams: both are answers, not hangs
                            } catch (Throwable e) {
                                failures.add(e);
                                return;
                            }
                        }
                    }, "chat-stress-" + t);
                    worker.setDaemon(true);
                    workers.add(worker);
                }
                workers.forEach(Thread::start);
                AtomicReference<long[]> deadlocked = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    deadlocked.set(threads.findDeadlockedThreads());
                    return deadlocked.get() != null || workers.stream().noneMatch(Thread::isAlive);
                });
                assertThat(deadlocked.get()).as(() -> "deadlocked threads:\n" + describe(threads, deadlocked.get()))
                        .isNull();
                assertThat(failures).isEmpty();
                chat.close();
                for (ChatCall call : calls) {
                    assertThat(finalOf(call.result()).isStreaming()).isFalse();
                }
            }
        }
    }

    private static void step(StreamingChat chat, Random random, List<String> ids, List<ChatCall> calls, int i) {
        if (i == 120 && random.nextInt(4) == 0) {
            chat.close(); // late in the run, by about a quarter of the threads
            return;
        }
        switch (random.nextInt(8)) {
            case 0:
            case 1:
                ids.add(chat.sendMessage(REQUEST));
                break;
            case 2:
                ChatCall call = chat.send(REQUEST);
                calls.add(call);
                ids.add(call.id());
                break;
            case 3:
                chat.cancelAll();
                break;
            case 4:
                if (!ids.isEmpty()) {
                    chat.cancelStream(ids.get(random.nextInt(ids.size())));
                }
                break;
            case 5:
                if (!calls.isEmpty()) {
                    ChatCall c = calls.get(random.nextInt(calls.size()));
                    if (random.nextBoolean()) {
                        c.cancel();
                    } else {
                        c.result().cancel(true);
                    }
                }
                break;
            case 6:
                chat.messages();
                chat.connectionState();
                break;
            default:
                if (!ids.isEmpty()) {
                    chat.forget(ids.get(random.nextInt(ids.size())));
                }
                break;
        }
    }

    private static String describe(ThreadMXBean threads, long[] ids) {
        StringBuilder b = new StringBuilder();
        for (ThreadInfo info : threads.getThreadInfo(ids, true, true)) {
            b.append(info);
        }
        return b.toString();
    }

    /** Records the signals of one subscriber to {@link ChatCall#updates()}. */
    private static final class Recorder implements Flow.Subscriber<StreamingMessage> {
        final List<StreamingMessage> items = new CopyOnWriteArrayList<>();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private final long initial;

        Recorder(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            if (initial > 0) {
                s.request(initial);
            }
        }

        void request(long n) {
            subscription.get().request(n);
        }

        boolean done() {
            return completions.get() > 0 || error.get() != null;
        }

        @Override
        public void onNext(StreamingMessage item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }
    }
}
