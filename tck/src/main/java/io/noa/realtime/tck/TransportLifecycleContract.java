package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.spi.WebSocketSession;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.testkit.WebSocketTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.noa.realtime.ws.RealtimeClient;
import org.junit.jupiter.api.Test;

/**
 * Thread lifecycle: the threads a transport starts are shared by the transports that use them,
 * stop when the last of those is closed and start again lazily; the transport's scheduler cannot
 * be shut down by its users. A transport's threads are recognised by their name, which starts
 * with {@code "noa-" + transport.name() + "-"} (see {@link Transport}).
 *
 * <p>The thread check sees the whole JVM: it holds only if no other transport of the same
 * provider is left open by the tests that run in the same JVM.
 */
public abstract class TransportLifecycleContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int TRANSPORTS = 3;

    /** For subclasses. */
    protected TransportLifecycleContract() {}

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .collect(Collectors.toList());
    }

    private static void useOnce(Transport transport, MockInferenceServer http, WebSocketTestServer ws) throws Exception {
        http.enqueue(MockResponse.stream().write("data: once\n\n").end());
        StreamingResponse response = transport.http()
                .send(StreamingRequest.builder(http.baseUri().resolve("/once")).method("GET").build())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        BodyCollector body = BodyCollector.unbounded();
        response.body().subscribe(body);
        assertThat(new String(body.done().get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8))
                .isEqualTo("data: once\n\n");
        RecordingListener listener = RecordingListener.unbounded();
        WebSocketSession session = transport.webSocket().connect(ws.uri(), Headers.empty(), WAIT, listener)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        session.close(1000, "done");
        listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        transport.scheduler().schedule(() -> { }, 1, TimeUnit.MILLISECONDS).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Contract: {@value #TRANSPORTS} transports created, each used once (an HTTP exchange, a
     * WebSocket connect and close, a timer task) and all closed leave no thread of the provider
     * alive; a transport created afterwards starts its threads again and works.
     *
     * @throws Exception on failure
     */
    @Test
    public void closingTheLastTransportStopsItsThreadsAndANewOneStartsThemAgain() throws Exception {
        try (MockInferenceServer http = MockInferenceServer.start(); WebSocketTestServer ws = WebSocketTestServer.start()) {
            List<Transport> transports = new ArrayList<>();
            for (int i = 0; i < TRANSPORTS; i++) {
                transports.add(transport());
            }
            String prefix = "noa-" + transports.get(0).name() + "-";
            try {
                for (Transport t : transports) {
                    useOnce(t, http, ws);
                }
                assertThat(threadsNamed(prefix)).as("threads named %s… while the transports are open", prefix).isNotEmpty();
            } finally {
                transports.forEach(Transport::close);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(threadsNamed(prefix))
                    .as("threads named %s… after every transport was closed", prefix).isEmpty());

            useOnce(newTransport(), http, ws);
            assertThat(threadsNamed(prefix)).as("threads started again by a new transport").isNotEmpty();
        }
    }

    /**
     * Contract: a client built without a transport loads one through {@link Transports#load()}
     * and closes it when it is closed: a {@link RealtimeClient}, a {@link StreamingChat} and an
     * {@link SseClient}, each used once and closed, leave no thread of the provider alive.
     *
     * @throws Exception on failure
     */
    @Test
    public void clientsCloseTheTransportTheyLoadedThemselves() throws Exception {
        String prefix;
        try (Transport probe = Transports.load()) {
            prefix = "noa-" + probe.name() + "-";
        }
        try (RoomServer rooms = RoomServer.builder().token("t-alice", "alice").start();
                MockInferenceServer http = MockInferenceServer.start()) {
            RealtimeClient realtime = RealtimeClient.builder(rooms.uri()).auth(Map.of("token", "t-alice")).build();
            realtime.connect();
            await().atMost(WAIT).until(() -> realtime.state() == ConnectionState.CONNECTED);
            http.enqueue(MockResponse.chatTokens("hi"));
            StreamingChat chat = StreamingChat.builder(http.chatUri()).apiKey("k").model("m").build();
            String id = chat.sendMessage(List.of(Message.user("hello")), "m");
            await().atMost(WAIT).until(() -> !chat.messages().get(id).isStreaming());
            SseClient sse = SseClient.builder(http.baseUri().resolve("/events")).build();
            sse.connect();
            assertThat(threadsNamed(prefix)).as("threads named %s… while the clients are open", prefix).isNotEmpty();
            realtime.close();
            chat.close();
            sse.close();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(threadsNamed(prefix))
                .as("threads named %s… after every client was closed", prefix).isEmpty());
    }

    /**
     * Contract: closing one transport leaves the threads of another open transport working.
     *
     * @throws Exception on failure
     */
    @Test
    public void closingOneTransportLeavesTheOthersWorking() throws Exception {
        try (MockInferenceServer http = MockInferenceServer.start(); WebSocketTestServer ws = WebSocketTestServer.start()) {
            Transport kept = newTransport();
            Transport closed = transport();
            useOnce(closed, http, ws);
            closed.close();
            useOnce(kept, http, ws);
        }
    }

    /**
     * Contract: the scheduler belongs to the transport: {@code shutdown()} and
     * {@code shutdownNow()} throw {@link UnsupportedOperationException} and leave it running.
     *
     * @throws Exception on failure
     */
    @Test
    public void schedulerRefusesToBeShutDown() throws Exception {
        ScheduledExecutorService scheduler = newTransport().scheduler();
        assertThatThrownBy(scheduler::shutdown).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("close the transport instead");
        assertThatThrownBy(scheduler::shutdownNow).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("close the transport instead");
        assertThat(scheduler.isShutdown()).isFalse();
        assertThat(scheduler.schedule(() -> "ran", 1, TimeUnit.MILLISECONDS).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo("ran");
    }
}
