package io.noa.realtime.rx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.RetryPolicy;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link SseEventsPublisherTckTest} checks on the bare multicast, checked on
 * {@link SseClient#events()} of a real client against a real server: demand is honoured per
 * subscriber and every subscriber completes (exactly once, no error) when the client is closed.
 */
class SseEventsThroughAClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int N = 20;

    private EventStreamServer server;
    private JdkTransport transport;
    private SseClient client;

    @BeforeEach
    void start() {
        server = EventStreamServer.builder().historySize(N).start();
        transport = JdkTransport.create();
        client = SseClient.builder(server.uri()).transport(transport).retryPolicy(RetryPolicy.none())
                .lastEventId("0").build();
    }

    @AfterEach
    void stop() {
        client.close();
        transport.close();
        server.close();
    }

    @Test
    void eventsHonoursRequestNAndCompletesOnClose() {
        for (int i = 0; i < N; i++) {
            server.publish("e" + i);
        }
        Recorder bounded = new Recorder(5);
        Recorder unbounded = new Recorder(Long.MAX_VALUE);
        client.events().subscribe(bounded);
        client.events().subscribe(unbounded);
        client.connect();

        await().atMost(WAIT).until(() -> unbounded.items.size() == N);
        assertThat(bounded.items).as("a subscriber that requested 5 of the %d events", N).hasSize(5);
        bounded.subscription.get().request(N - 5);
        await().atMost(WAIT).until(() -> bounded.items.size() == N);
        assertThat(bounded.items).extracting(SseEvent::data).isEqualTo(unbounded.items.stream().map(SseEvent::data).toList());
        assertThat(bounded.items.get(0).data()).isEqualTo("e0");
        assertThat(bounded.completions.get() + unbounded.completions.get()).isZero();

        client.close();
        await().atMost(WAIT).until(() -> bounded.completions.get() == 1 && unbounded.completions.get() == 1);
        assertThat(List.of(bounded.errors, unbounded.errors)).allSatisfy(e -> assertThat(e).isEmpty());
        assertThat(bounded.items).hasSize(N);
    }

    @Test
    void aLateSubscriberAfterCloseCompletesAtOnce() {
        client.close();
        Recorder late = new Recorder(1);
        client.events().subscribe(late);
        await().atMost(WAIT).until(() -> late.completions.get() == 1);
        assertThat(late.items).isEmpty();
    }

    private static final class Recorder implements Flow.Subscriber<SseEvent> {
        final long initial;
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        final List<SseEvent> items = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final AtomicInteger completions = new AtomicInteger();

        Recorder(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            s.request(initial);
        }

        @Override
        public void onNext(SseEvent item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }
    }
}
