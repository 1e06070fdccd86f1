package io.noa.realtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    @Test
    void directTrampolineRunsNestedTasksAfterTheCurrentOne() {
        SerialExecutor ex = SerialExecutor.direct();
        List<String> order = new ArrayList<>();
        ex.execute(() -> {
            order.add("a-start");
            ex.execute(() -> order.add("b"));
            order.add("a-end");
        });
        assertThat(order).containsExactly("a-start", "a-end", "b");
    }

    @Test
    void enqueueRunsNothingUntilKick() {
        SerialExecutor ex = SerialExecutor.direct();
        List<Integer> order = new ArrayList<>();
        ex.enqueue(() -> order.add(1));
        ex.enqueue(() -> order.add(2));
        assertThat(order).isEmpty();
        ex.kick();
        assertThat(order).containsExactly(1, 2);
    }

    @Test
    void throwingTaskDoesNotStopLaterOnes() {
        SerialExecutor ex = SerialExecutor.direct();
        List<Integer> order = new ArrayList<>();
        ex.execute(() -> {
            throw new IllegalStateException("boom");
        });
        ex.execute(() -> order.add(2));
        assertThat(order).containsExactly(2);
    }

    @Test
    void anIdleDirectExecutorRunsAValueTaskAtOnceOnTheCaller() {
        SerialExecutor ex = SerialExecutor.direct();
        List<String> seen = new ArrayList<>();
        ex.execute(seen::add, "now");
        assertThat(seen).containsExactly("now");
    }

    @Test
    void valueTasksFollowTasksEnqueuedEarlierAndNestedOnesRunAfterTheCurrentOne() {
        SerialExecutor ex = SerialExecutor.direct();
        List<String> order = new ArrayList<>();
        ex.enqueue(() -> order.add("queued"));
        ex.execute(v -> {
            order.add(v + "-start");
            ex.execute(order::add, "nested");
            ex.execute(() -> order.add("nested-runnable"));
            order.add(v + "-end");
        }, "outer");
        ex.execute(order::add, "after");
        assertThat(order).containsExactly("queued", "outer-start", "outer-end", "nested", "nested-runnable", "after");
    }

    @Test
    void aThrowingValueTaskDoesNotStopLaterOnes() {
        SerialExecutor ex = SerialExecutor.direct();
        List<String> order = new ArrayList<>();
        ex.execute(v -> {
            throw new IllegalStateException(v);
        }, "boom");
        ex.execute(order::add, "next");
        ex.execute(() -> order.add("runnable"));
        assertThat(order).containsExactly("next", "runnable");
    }

    @Test
    void anExplicitExecutorIsNeverBypassed() {
        List<Runnable> handedOver = new ArrayList<>();
        SerialExecutor ex = new SerialExecutor(handedOver::add);
        List<String> seen = new ArrayList<>();
        ex.execute(seen::add, "later");
        assertThat(seen).isEmpty();
        assertThat(handedOver).hasSize(1);
        handedOver.get(0).run();
        assertThat(seen).containsExactly("later");
    }

    @Test
    void directValueTasksFromManyThreadsNeverOverlap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor ex = SerialExecutor.direct();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            int producers = 4;
            int perProducer = 20_000;
            int[] last = new int[producers];
            java.util.Arrays.fill(last, -1);
            List<String> outOfOrder = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(producers * perProducer);
            for (int p = 0; p < producers; p++) {
                int id = p;
                pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        ex.execute(n -> {
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            if (n != last[id] + 1) {
                                outOfOrder.add(id + ":" + n);
                            }
                            last[id] = n;
                            running.decrementAndGet();
                            done.countDown();
                        }, i);
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(maxRunning).hasValue(1);
            assertThat(outOfOrder).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void neverConcurrentAndInOrderPerProducerOnAPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor ex = new SerialExecutor(pool);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            List<int[]> seen = Collections.synchronizedList(new ArrayList<>());
            int producers = 4;
            int perProducer = 5_000;
            CountDownLatch done = new CountDownLatch(producers * perProducer);
            for (int p = 0; p < producers; p++) {
                int id = p;
                pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int n = i;
                        ex.execute(() -> {
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            seen.add(new int[] {id, n});
                            running.decrementAndGet();
                            done.countDown();
                        });
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(maxRunning).hasValue(1);
            int[] last = new int[producers];
            java.util.Arrays.fill(last, -1);
            synchronized (seen) {
                for (int[] e : seen) {
                    assertThat(e[1]).isEqualTo(last[e[0]] + 1);
                    last[e[0]] = e[1];
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
