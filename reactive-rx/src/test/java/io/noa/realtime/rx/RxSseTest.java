package io.noa.realtime.rx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RxSseTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final UndeliverableRecorder undeliverable = new UndeliverableRecorder();

    private EventStreamServer server;
    private JdkTransport transport;
    private SseClient client;

    @BeforeEach
    void start() {
        server = EventStreamServer.start();
        transport = JdkTransport.create();
        client = SseClient.builder(server.uri()).transport(transport).retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        transport.close();
        server.close();
    }

    @Test
    void eventsDeliversPublishedEventsToEachSubscriberAndCancelRemovesOnlyThatOne() {
        Flowable<SseEvent> events = RxSse.events(client);
        TestSubscriber<SseEvent> first = events.test();
        TestSubscriber<SseEvent> second = events.test();
        RxSse.connect(client).blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.publish("one");
        await().atMost(WAIT).until(() -> first.values().size() == 1 && second.values().size() == 1);
        first.cancel();
        server.publish("two");
        await().atMost(WAIT).until(() -> second.values().size() == 2);
        assertThat(first.values()).extracting(SseEvent::data).containsExactly("one");
        assertThat(second.values()).extracting(SseEvent::data).containsExactly("one", "two");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void eventsCompletesWhenTheClientIsClosed() {
        TestSubscriber<SseEvent> ts = RxSse.events(client).test();
        client.close();
        ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS).assertComplete().assertNoErrors();
    }

    @Test
    void statesStartsWithTheCurrentStateThenFollowsChanges() {
        TestObserver<ConnectionState> states = RxSse.states(client).test();
        states.assertValuesOnly(ConnectionState.DISCONNECTED);
        client.connect();
        await().atMost(WAIT).until(() -> states.values().contains(ConnectionState.CONNECTED));
        client.disconnect();
        await().atMost(WAIT).until(() -> states.values().size() == 4);
        states.assertValuesOnly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, ConnectionState.CONNECTED,
                ConnectionState.DISCONNECTED);
        TestObserver<ConnectionState> late = RxSse.states(client).test();
        late.assertValuesOnly(ConnectionState.DISCONNECTED);
        states.dispose();
        late.dispose();
    }

    @Test
    void connectIsColdCompletesWhenConnectedAndFailsWithTheTypedError() {
        var connect = RxSse.connect(client);
        assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(server.totalConnections()).isZero();
        connect.blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        RxSse.connect(client).test().assertComplete();

        client.disconnect();
        server.respondWith(404, "text/plain");
        TestObserver<Void> failing = RxSse.connect(client).test();
        failing.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS).assertError(HttpStatusException.class);
        assertThat(client.state()).isEqualTo(ConnectionState.FAILED);
    }
}
