package io.noa.realtime.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.internal.SerialExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of the {@link AckLedger}, without a network: the ledger only decides which frame goes
 * out with which id and how every acknowledgement ends, so a recording link stands in for the
 * WebSocket and the test plays the server by calling {@link AckLedger#ackReceived}.
 */
class AckLedgerTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    /** An acked emit of the stress test and its payload. */
    record Sent(int n, CompletableFuture<JsonNode> answer) {}

    /** A frame written on a link. */
    record Frame(RecordingLink link, String event, JsonNode data, long ackId) {}

    /** Records writes while open, like a WebSocket that drops frames once closed. */
    static class RecordingLink implements AckLedger.Link {
        final AtomicBoolean open = new AtomicBoolean(true);
        final ConcurrentLinkedQueue<Frame> sink;
        final List<Frame> frames = new CopyOnWriteArrayList<>();

        RecordingLink(ConcurrentLinkedQueue<Frame> sink) {
            this.sink = sink;
        }

        RecordingLink() {
            this(new ConcurrentLinkedQueue<>());
        }

        @Override
        public boolean isOpen() {
            return open.get();
        }

        @Override
        public long queuedBytes() {
            return 0;
        }

        @Override
        public void write(String event, JsonNode data, long ackId) {
            if (open.get()) {
                Frame f = new Frame(this, event, data, ackId);
                frames.add(f);
                sink.add(f);
            }
        }

        @Override
        public void writeAck(long ackId, JsonNode data) {
            write("$ack", data, ackId);
        }

        List<Long> ids() {
            List<Long> ids = new ArrayList<>();
            frames.forEach(f -> ids.add(f.ackId()));
            return ids;
        }
    }

    /** Completes futures on a serial trampoline, like the client's callback queue. */
    static final class TestDelivery implements AckLedger.Delivery {
        final SerialExecutor serial = SerialExecutor.direct();
        /** Completion callbacks that ran while their thread held a monitor (must stay empty). */
        final List<String> underLock = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(Runnable task) {
            serial.enqueue(() -> {
                checkNoMonitorHeld(underLock);
                task.run();
            });
        }

        @Override
        public void kick() {
            serial.kick();
        }
    }

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.CONNECTED);
    private final TestDelivery delivery = new TestDelivery();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private AckLedger ledger(boolean replay, int retries) {
        return new AckLedger(scheduler, delivery, state::get, "ws://127.0.0.1/test", 100, Long.MAX_VALUE, replay,
                retries, LONG);
    }

    private static void checkNoMonitorHeld(List<String> offenders) {
        ThreadInfo info = ManagementFactory.getThreadMXBean()
                .getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false)[0];
        if (info.getLockedMonitors().length > 0) {
            offenders.add(Thread.currentThread().getName() + " holds " + List.of(info.getLockedMonitors()));
        }
    }

    @Test
    void idsAreUniqueAcrossEmitsLinksAndReplays() {
        AckLedger ledger = ledger(true, 0);
        RecordingLink first = new RecordingLink();
        ledger.linkUp(first);
        for (int i = 0; i < 50; i++) {
            ledger.emitWithAck("e", IntNode.valueOf(i), LONG);
        }
        first.open.set(false);
        ledger.linkDown(first, "transport close", null);
        assertThat(ledger.buffered()).as("pending acks wait for the next link").isEqualTo(50);
        RecordingLink second = new RecordingLink();
        ledger.linkUp(second);

        assertThat(second.frames).extracting(f -> f.data().asInt()).as("replayed in their original order")
                .containsExactlyElementsOf(first.frames.stream().map(f -> f.data().asInt()).toList());
        Set<Long> ids = new HashSet<>(first.ids());
        ids.addAll(second.ids());
        assertThat(ids).as("a new id for every try, never reused").hasSize(100).allMatch(id -> id >= 0);
    }

    @Test
    void aTimedOutAckAnsweredLateIsIgnored() throws Exception {
        AckLedger ledger = ledger(false, 0);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        CompletableFuture<JsonNode> slow = ledger.emitWithAck("slow", IntNode.valueOf(1), Duration.ofMillis(20));
        assertThatThrownBy(() -> slow.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AckTimeoutException.class);
        long lateId = link.frames.get(0).ackId();

        ledger.ackReceived(lateId, TextNode.valueOf("late"), null);
        ledger.ackReceived(lateId, TextNode.valueOf("late again"), null);
        assertThatThrownBy(slow::join).hasCauseInstanceOf(AckTimeoutException.class);
        assertThat(ledger.outstanding()).isZero();

        CompletableFuture<JsonNode> next = ledger.emitWithAck("next", IntNode.valueOf(2), LONG);
        long nextId = link.frames.get(1).ackId();
        assertThat(nextId).isNotEqualTo(lateId);
        ledger.ackReceived(lateId, TextNode.valueOf("late, third time"), null);
        assertThat(next).isNotDone();
        ledger.ackReceived(nextId, TextNode.valueOf("ok"), null);
        assertThat(next.get(30, TimeUnit.SECONDS).asText()).isEqualTo("ok");
        assertThat(ledger.settledCount()).isEqualTo(2);
        assertThat(delivery.underLock).isEmpty();
    }

    /** A scheduler that counts the tasks it is given. */
    static final class CountingScheduler extends ScheduledThreadPoolExecutor {
        final AtomicInteger scheduled = new AtomicInteger();

        CountingScheduler() {
            super(1);
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            scheduled.incrementAndGet();
            return super.schedule(command, delay, unit);
        }
    }

    @Test
    void anAckWhoseDeadlineIsNotTheEarliestCostsTheSchedulerNothing() throws Exception {
        CountingScheduler counting = new CountingScheduler();
        try {
            AckLedger ledger = new AckLedger(counting, delivery, state::get, "ws://127.0.0.1/test", 100,
                    Long.MAX_VALUE, false, 0, LONG);
            RecordingLink link = new RecordingLink();
            ledger.linkUp(link);
            for (int i = 0; i < 1_000; i++) { // sequential acks, each answered before the next
                CompletableFuture<JsonNode> ack = ledger.emitWithAck("e", IntNode.valueOf(i), LONG);
                ledger.ackReceived(link.frames.get(i).ackId(), IntNode.valueOf(i), null);
                assertThat(ack.get(30, TimeUnit.SECONDS).asInt()).isEqualTo(i);
            }
            List<CompletableFuture<JsonNode>> inFlight = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) { // and many in flight at once
                inFlight.add(ledger.emitWithAck("e", IntNode.valueOf(i), LONG));
            }
            for (int i = 0; i < 1_000; i++) {
                ledger.ackReceived(link.frames.get(1_000 + i).ackId(), IntNode.valueOf(i), null);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.stream().allMatch(CompletableFuture::isDone));
            assertThat(inFlight).allMatch(f -> !f.isCompletedExceptionally());
            // one timer serves them all (before: a task scheduled, and cancelled, per ack)
            assertThat(counting.scheduled.get()).isLessThanOrEqualTo(2);

            ledger.close(new ConnectionClosedException("closed by the test"));
            assertThat(counting.getQueue()).as("close() cancels the timer").isEmpty();
        } finally {
            counting.shutdownNow();
        }
    }

    @Test
    void aShortTimeoutAfterLongOnesStillTimesOutOnTimeAndTheTimerReArms() throws Exception {
        AckLedger ledger = ledger(false, 0);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        List<CompletableFuture<JsonNode>> longOnes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            longOnes.add(ledger.emitWithAck("long", IntNode.valueOf(i), LONG));
        }
        CompletableFuture<JsonNode> shortOne = ledger.emitWithAck("short", IntNode.valueOf(99), Duration.ofMillis(50));
        assertThatThrownBy(() -> shortOne.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AckTimeoutException.class);
        assertThat(longOnes).noneMatch(CompletableFuture::isDone);

        // the timer re-armed for the long ones; another short one after that times out too
        CompletableFuture<JsonNode> again = ledger.emitWithAck("short", IntNode.valueOf(98), Duration.ofMillis(50));
        assertThatThrownBy(() -> again.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AckTimeoutException.class);
        for (int i = 0; i < 10; i++) {
            ledger.ackReceived(link.frames.get(i).ackId(), IntNode.valueOf(i), null);
        }
        // completed on whichever thread drains the delivery queue (the timer's, maybe): wait for it
        await().atMost(Duration.ofSeconds(30)).until(() -> longOnes.stream().allMatch(CompletableFuture::isDone));
        assertThat(longOnes).allMatch(f -> !f.isCompletedExceptionally());
        assertThat(ledger.outstanding()).isZero();
        assertThat(delivery.underLock).isEmpty();
    }

    @Test
    void pendingAcksFailWhenTheLinkDropsUnlessReplayIsOn() throws Exception {
        AckLedger ledger = ledger(false, 0);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        CompletableFuture<JsonNode> ack = ledger.emitWithAck("q", IntNode.valueOf(1), LONG);
        link.open.set(false);
        ledger.linkDown(link, "transport close", null);
        assertThatThrownBy(() -> ack.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("transport close");
        assertThat(ledger.outstanding()).isZero();
    }

    @Test
    void theClientsOwnAcksAreNeverReplayedAndFailOnADeadLink() {
        AckLedger ledger = ledger(true, 0);
        RecordingLink link = new RecordingLink();
        CompletableFuture<JsonNode> join = ledger.sendOn(link, "room:join", IntNode.valueOf(1), true);
        link.open.set(false);
        ledger.linkDown(link, "transport close", null);
        assertThat(join).isCompletedExceptionally();
        assertThat(ledger.buffered()).isZero();

        CompletableFuture<JsonNode> late = ledger.sendOn(link, "room:join", IntNode.valueOf(2), true);
        assertThat(late).isCompletedExceptionally();
        assertThat(ledger.outstanding()).isZero();
    }

    @Test
    void bufferedEmitsFlushInOrderAndTheBufferIsBounded() {
        state.set(ConnectionState.CONNECTING);
        AckLedger ledger = ledger(false, 0);
        for (int i = 0; i < 100; i++) {
            ledger.emit("e", IntNode.valueOf(i));
        }
        assertThatThrownBy(() -> ledger.emit("e", IntNode.valueOf(100))).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("maxPendingEmits");
        RecordingLink link = new RecordingLink();
        state.set(ConnectionState.CONNECTED);
        ledger.linkUp(link);
        ledger.emit("e", IntNode.valueOf(100));
        assertThat(link.frames).extracting(f -> f.data().asInt()).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(0, 100).boxed().toList());
        assertThat(ledger.buffered()).isZero();
    }

    @Test
    void emitsAreRefusedAfterTheClientClosedAndPendingAcksFail() {
        AckLedger ledger = ledger(true, 0);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        CompletableFuture<JsonNode> sent = ledger.emitWithAck("a", IntNode.valueOf(1), LONG);
        link.open.set(false);
        ledger.linkDown(link, "transport close", null); // replayed: back in the buffer
        CompletableFuture<JsonNode> buffered = ledger.emitWithAck("b", IntNode.valueOf(2), LONG);
        state.set(ConnectionState.CLOSED);
        ledger.close(new ConnectionClosedException("closed by the test"));
        assertThat(sent).isCompletedExceptionally();
        assertThat(buffered).isCompletedExceptionally();
        assertThatThrownBy(() -> ledger.emit("c", IntNode.valueOf(3))).isInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("connect()");
        assertThat(ledger.outstanding()).isZero();
        assertThat(ledger.settledCount()).isEqualTo(2);
    }

    @Test
    void retriesSendATimedOutAckAgainWithANewIdThenFail() throws Exception {
        AckLedger ledger = ledger(false, 2);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        CompletableFuture<JsonNode> ack = ledger.emitWithAck("retry", IntNode.valueOf(7), Duration.ofMillis(20));
        assertThatThrownBy(() -> ack.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AckTimeoutException.class);
        assertThat(link.frames).hasSize(3).allMatch(f -> f.data().asInt() == 7);
        assertThat(new HashSet<>(link.ids())).hasSize(3);
        assertThat(ledger.settledCount()).isEqualTo(1);

        // an answer to a later try completes it; answers to retired ids are ignored
        AckLedger patient = ledger(false, 10_000);
        RecordingLink other = new RecordingLink();
        patient.linkUp(other);
        CompletableFuture<JsonNode> answered = patient.emitWithAck("retry", IntNode.valueOf(8), Duration.ofMillis(5));
        await().atMost(Duration.ofSeconds(30)).until(() -> other.frames.size() >= 3);
        patient.ackReceived(other.frames.get(0).ackId(), TextNode.valueOf("first try, late"), null);
        assertThat(answered).isNotDone();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            patient.ackReceived(other.frames.get(other.frames.size() - 1).ackId(), TextNode.valueOf("a later try"), null);
            return answered.isDone();
        });
        assertThat(answered.get(30, TimeUnit.SECONDS).asText()).isEqualTo("a later try");
        assertThat(new HashSet<>(other.ids())).hasSize(other.frames.size());
        assertThat(patient.settledCount()).isEqualTo(1);
        assertThat(patient.outstanding()).isZero();
    }

    @Test
    void withRetriesOneAckIsInFlightAtATimeInOrder() throws Exception {
        AckLedger ledger = ledger(false, 1);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (String e : List.of("a", "b", "c")) {
            acks.add(ledger.emitWithAck(e, TextNode.valueOf(e), LONG));
        }
        assertThat(link.frames).extracting(Frame::event).containsExactly("a");
        assertThat(ledger.buffered()).as("waiting behind the one in flight").isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            Frame f = link.frames.get(i);
            ledger.ackReceived(f.ackId(), TextNode.valueOf(f.event().toUpperCase(java.util.Locale.ROOT)), null);
        }
        assertThat(link.frames).extracting(Frame::event).containsExactly("a", "b", "c");
        assertThat(acks.get(0).get(30, TimeUnit.SECONDS).asText()).isEqualTo("A");
        assertThat(acks.get(2).get(30, TimeUnit.SECONDS).asText()).isEqualTo("C");
        assertThat(ledger.outstanding()).isZero();
    }

    @Test
    void withRetriesTheAckInFlightIsSentAgainAfterTheReconnectWithANewId() throws Exception {
        AckLedger ledger = ledger(false, 1);
        RecordingLink first = new RecordingLink();
        ledger.linkUp(first);
        CompletableFuture<JsonNode> a = ledger.emitWithAck("a", IntNode.valueOf(1), LONG);
        CompletableFuture<JsonNode> b = ledger.emitWithAck("b", IntNode.valueOf(2), LONG);
        first.open.set(false);
        ledger.linkDown(first, "transport close", null);
        assertThat(a).as("at least once: not failed by the link drop").isNotDone();
        RecordingLink second = new RecordingLink();
        ledger.linkUp(second);
        assertThat(second.frames).extracting(Frame::event).containsExactly("a");
        long oldId = first.frames.get(0).ackId();
        long newId = second.frames.get(0).ackId();
        assertThat(newId).isNotEqualTo(oldId);
        ledger.ackReceived(oldId, TextNode.valueOf("from the dead link"), null);
        assertThat(a).isNotDone();
        ledger.ackReceived(newId, TextNode.valueOf("ok"), null);
        assertThat(a.get(30, TimeUnit.SECONDS).asText()).isEqualTo("ok");
        assertThat(second.frames).extracting(Frame::event).containsExactly("a", "b");
        assertThat(b).isNotDone();
    }

    @Test
    void withRetriesATimedOutAckIsTriedAgainBeforeTheNextGoesOut() throws Exception {
        AckLedger ledger = ledger(false, 2);
        RecordingLink link = new RecordingLink();
        ledger.linkUp(link);
        CompletableFuture<JsonNode> a = ledger.emitWithAck("a", IntNode.valueOf(1), Duration.ofMillis(20));
        CompletableFuture<JsonNode> b = ledger.emitWithAck("b", IntNode.valueOf(2), LONG);
        assertThatThrownBy(() -> a.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AckTimeoutException.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> link.frames.size() == 4);
        assertThat(link.frames).extracting(Frame::event).containsExactly("a", "a", "a", "b");
        assertThat(new HashSet<>(link.ids())).hasSize(4);
        ledger.ackReceived(link.frames.get(3).ackId(), TextNode.valueOf("B"), null);
        assertThat(b.get(30, TimeUnit.SECONDS).asText()).isEqualTo("B");
        assertThat(ledger.settledCount()).isEqualTo(2);
    }

    /**
     * 8 threads emit (acked, plain, some with timeouts short enough to race the answers) while
     * the link is dropped and replaced again and again and a "server" answers what it sees, some
     * answers twice, some after the link is gone. Every ack ends exactly once, none hangs, no
     * answer reaches the wrong emit, nothing stays in the ledger, no future completes under a
     * lock, and no thread deadlocks.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fail on link loss", "replay after reconnect", "retries, one in flight"})
    void everyAckEndsExactlyOnceUnderLinkResetsWithEightThreadsEmitting(String mode) throws Exception {
        boolean retrying = mode.startsWith("retries");
        AckLedger ledger = ledger(mode.startsWith("replay"), retrying ? 2 : 0);
        ConcurrentLinkedQueue<Frame> wire = new ConcurrentLinkedQueue<>();
        AtomicReference<RecordingLink> current = new AtomicReference<>(new RecordingLink(wire));
        ledger.linkUp(current.get());
        AtomicBoolean emitting = new AtomicBoolean(true);
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> deadlocks = new CopyOnWriteArrayList<>();

        Thread server = new Thread(() -> {
            while (running.get()) {
                Frame f = wire.poll();
                if (f == null) {
                    Thread.onSpinWait();
                    continue;
                }
                if (f.ackId() < 0 || ThreadLocalRandom.current().nextInt(10) == 0) {
                    continue; // a plain emit, or an answer the server never sends (the timeout ends it)
                }
                if (f.link().isOpen() || ThreadLocalRandom.current().nextBoolean()) {
                    ledger.ackReceived(f.ackId(), f.data(), null);
                    if (ThreadLocalRandom.current().nextInt(8) == 0) {
                        ledger.ackReceived(f.ackId(), TextNode.valueOf("duplicate"), null);
                    }
                }
            }
        }, "ack-server");
        Thread chaos = new Thread(() -> {
            while (emitting.get()) {
                RecordingLink old = current.get();
                old.open.set(false);
                ledger.linkDown(old, "transport close", null);
                Thread.yield();
                RecordingLink next = new RecordingLink(wire);
                current.set(next);
                ledger.linkUp(next);
                sleepQuietly(1);
            }
        }, "link-chaos");
        Thread watchdog = new Thread(() -> {
            while (running.get()) {
                long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
                if (ids != null) {
                    deadlocks.add(List.of(ManagementFactory.getThreadMXBean().getThreadInfo(ids, true, true)).toString());
                    return;
                }
                sleepQuietly(20);
            }
        }, "deadlock-watchdog");
        server.start();
        chaos.start();
        watchdog.start();

        int perThread = 400;
        List<Sent> all = new CopyOnWriteArrayList<>();
        List<Thread> emitters = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            int base = t * perThread;
            Thread emitter = new Thread(() -> {
                awaitQuietly(go);
                for (int i = 0; i < perThread; i++) {
                    int n = base + i;
                    // with retries one ack is in flight at a time: short tries keep unanswered ones from queueing the rest
                    Duration timeout = n % 5 == 0 || retrying ? Duration.ofMillis(1 + n % 7) : Duration.ofSeconds(5);
                    try {
                        all.add(new Sent(n, ledger.emitWithAck("q", IntNode.valueOf(n), timeout)));
                    } catch (LimitExceededException e) {
                        refused.incrementAndGet(); // the offline buffer is full: a typed refusal, nothing pending
                        sleepQuietly(1);
                    }
                    try {
                        ledger.emit("plain", IntNode.valueOf(n));
                    } catch (LimitExceededException e) {
                        sleepQuietly(1);
                    }
                }
            }, "emitter-" + t);
            emitters.add(emitter);
            emitter.start();
        }
        go.countDown();
        for (Thread e : emitters) {
            e.join(TimeUnit.MINUTES.toMillis(2));
        }
        emitting.set(false);
        chaos.join(TimeUnit.MINUTES.toMillis(1));

        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> all.stream().allMatch(x -> x.answer().isDone()));
        } finally {
            running.set(false);
            server.join(TimeUnit.MINUTES.toMillis(1));
            watchdog.join(TimeUnit.MINUTES.toMillis(1));
        }

        int answered = 0;
        for (Sent sent : all) {
            try {
                JsonNode answer = sent.answer().get();
                answered++;
                assertThat(answer.isInt()).as("not a duplicate answer").isTrue();
                assertThat(answer.asInt()).as("the answer of its own emit").isEqualTo(sent.n());
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfAny(AckTimeoutException.class, ConnectionClosedException.class);
            }
        }
        assertThat(answered).as("some acks were answered").isPositive();
        assertThat(ledger.settledCount()).as("each ack settled exactly once").isEqualTo(all.size());
        assertThat(ledger.outstanding()).isZero();
        assertThat(deadlocks).isEmpty();
        assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads()).isNull();
        assertThat(delivery.underLock).isEmpty();
        assertThat(all.size() + refused.get()).isEqualTo(8 * perThread);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
    /** A link whose protocol refuses to encode the event "too-big" (as Socket.IO refuses an attachment over maxPayload). */
    static final class RefusingLink extends RecordingLink {
        @Override
        public void write(String event, JsonNode data, long ackId) {
            if (event.equals("too-big")) {
                throw new LimitExceededException("A test attachment", "maxPayload", 10);
            }
            super.write(event, data, ackId);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void anAckedEmitTheLinkRefusesToEncodeFailsAtOnceWithTheLinksErrorAndTheNextOneGoesOut(int retries)
            throws Exception {
        AckLedger ledger = ledger(false, retries);
        RefusingLink link = new RefusingLink();
        ledger.linkUp(link);
        CompletableFuture<JsonNode> refused = ledger.emitWithAck("too-big", IntNode.valueOf(1), LONG);
        CompletableFuture<JsonNode> next = ledger.emitWithAck("fine", IntNode.valueOf(2), LONG);

        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.setting()).isEqualTo("maxPayload"));
        await().atMost(Duration.ofSeconds(30)).until(() -> link.frames.size() == 1);
        assertThat(link.frames.get(0).event()).isEqualTo("fine");
        ledger.ackReceived(link.frames.get(0).ackId(), TextNode.valueOf("ok"), null);
        assertThat(next.get(30, TimeUnit.SECONDS).asText()).isEqualTo("ok");
        assertThat(ledger.outstanding()).isZero();
        assertThat(ledger.settledCount()).isEqualTo(2);
        assertThat(delivery.underLock).isEmpty();
    }

    /**
     * Issue 17, defect 14: the reader (here the test thread) hands the ledger an acknowledgement and
     * an answer to the peer's ack while an application thread is inside a write (it holds the
     * writer's turn). The reader must not wait for that thread: on the JDK transport a reader
     * parked there stopped reading the socket, so the link's end and the peer's answers were seen
     * seconds late and acks timed out unsent. The answer it queued is written by the holder, after
     * the frame being written, in order.
     */
    @Test
    void theReaderNeverWaitsForAnApplicationThreadThatIsWriting() throws Exception {
        AckLedger ledger = ledger(false, 0);
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingLink link = new RecordingLink() {
            @Override
            public void write(String event, JsonNode data, long ackId) {
                if (event.equals("slow")) {
                    inWrite.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.write(event, data, ackId);
            }
        };
        ledger.linkUp(link);
        CompletableFuture<JsonNode> first = ledger.emitWithAck("first", IntNode.valueOf(1), LONG);
        long firstId = link.frames.get(0).ackId();
        Thread app = new Thread(() -> ledger.emit("slow", IntNode.valueOf(2)), "app-writer");
        app.setDaemon(true);
        app.start();
        try {
            assertThat(inWrite.await(30, TimeUnit.SECONDS)).as("the application thread is writing").isTrue();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                ledger.ackReceived(firstId, TextNode.valueOf("ok"), null);
                ledger.answer(link, 7, TextNode.valueOf("answer"));
            });
            reader.get(30, TimeUnit.SECONDS); // before the fix: parked on the writer's turn until the release below
            assertThat(first.get(30, TimeUnit.SECONDS)).as("the ack is settled while the write goes on")
                    .isEqualTo(TextNode.valueOf("ok"));
            assertThat(link.frames).extracting(Frame::event).as("the answer waits for the writer")
                    .containsExactly("first");
        } finally {
            release.countDown();
        }
        app.join(30_000);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(link.frames).extracting(Frame::event)
                .as("the holder wrote the reader's answer after its own frame").containsExactly("first", "slow", "$ack"));
        assertThat(delivery.underLock).isEmpty();
    }

    /**
     * Application threads (which wait for the turn) and I/O threads (which do not) queue frames at
     * random: every frame is written exactly once, none is left behind in the queue, and each
     * thread's frames keep their order.
     */
    @Test
    void framesQueuedByThreadsThatDoNotWaitAreNeverLeftBehind() throws Exception {
        FrameWriter writer = new FrameWriter();
        int threads = 8;
        int perThread = 20_000;
        ConcurrentLinkedQueue<long[]> written = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int id = t;
            boolean waits = t % 2 == 0;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    long[] frame = {id, i};
                    writer.enqueue(() -> written.add(frame));
                    if (waits || ThreadLocalRandom.current().nextInt(4) == 0) {
                        writer.kick();
                    } else {
                        writer.kickWithoutWaiting();
                    }
                }
            }, "writer-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(60_000);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(written).hasSize(threads * perThread));
        int[] next = new int[threads];
        for (long[] f : written) {
            assertThat(f[1]).as("frame order of thread %s", f[0]).isEqualTo(next[(int) f[0]]);
            next[(int) f[0]]++;
        }
    }
}
