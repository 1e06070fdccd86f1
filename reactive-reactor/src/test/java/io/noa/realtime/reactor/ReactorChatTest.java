package io.noa.realtime.reactor;

import static io.noa.realtime.reactor.ChatFixtures.REQUEST;
import static io.noa.realtime.reactor.ChatFixtures.WAIT;
import static io.noa.realtime.reactor.ChatFixtures.awaitPlateau;
import static io.noa.realtime.reactor.ChatFixtures.bigChunkEvent;
import static io.noa.realtime.reactor.ChatFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.transport.jdk.JdkTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class ReactorChatTest {
    @RegisterExtension
    final DroppedSignals dropped = new DroppedSignals();

    private MockInferenceServer server;
    private Transport transport;
    private StreamingChat chat;

    @BeforeEach
    void start() {
        server = MockInferenceServer.start();
        transport = JdkTransport.create();
        chat = ChatFixtures.chat(server, transport);
    }

    @AfterEach
    void stop() {
        chat.close();
        transport.close();
        server.close();
    }

    /** Replaces the default JDK transport (and the chat on it) with the named one. */
    private void useTransport(String name) {
        chat.close();
        transport.close();
        transport = Transports.load(name);
        chat = ChatFixtures.chat(server, transport);
    }

    @Test
    void chunksStreamsTheWholeCompletionAsRoleTokensAndFinishChunks() {
        server.enqueue(MockResponse.chatTokens("Hel", "lo", " world"));
        List<StreamChunk> chunks = ReactorChat.chunks(chat, REQUEST).collectList().block(WAIT);
        assertThat(chunks).hasSize(3 + 2);
        assertThat(chunks.stream().map(ChatFixtures::content).collect(Collectors.joining())).isEqualTo("Hello world");
    }

    @Test
    void chunksIsColdAndSendsOneRequestPerSubscriber() {
        Flux<String> contents = ReactorChat.chunks(chat, REQUEST).map(ChatFixtures::content);
        assertThat(server.requests()).isEmpty();
        server.enqueue(MockResponse.chatTokens("a"));
        server.enqueue(MockResponse.chatTokens("b"));
        String first = contents.collect(Collectors.joining()).block(WAIT);
        String second = contents.collect(Collectors.joining()).block(WAIT);
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("a", "b");
        assertThat(server.requests()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "netty"})
    void takeFiveOfALongStreamCancelsTheHttpStream(String transportName) {
        useTransport(transportName);
        server.enqueue(MockResponse.chatTokens(tokens(500)).withTokenDelay(Duration.ofMillis(2)));
        StepVerifier.create(ReactorChat.chunks(chat, REQUEST).take(5)).expectNextCount(5).expectComplete().verify(WAIT);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.openConnections() == 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "netty"})
    void aSlowSubscriberKeepsTheReadBounded(String transportName) throws InterruptedException {
        useTransport(transportName);
        server.enqueue(MockResponse.stream().writeForever(bigChunkEvent(4 * 1024)).end());
        List<StreamChunk> got = new CopyOnWriteArrayList<>();
        AtomicReference<Subscription> upstream = new AtomicReference<>();
        ReactorChat.chunks(chat, REQUEST).subscribe(new BaseSubscriber<StreamChunk>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                upstream.set(subscription);
            }

            @Override
            protected void hookOnNext(StreamChunk value) {
                got.add(value);
            }
        });
        for (int i = 0; i < 100; i++) {
            upstream.get().request(1);
            Thread.sleep(10);
        }
        await().atMost(WAIT).until(() -> got.size() == 100);
        long plateau = awaitPlateau(server::bodyBytesWritten);
        assertThat(plateau).as("bytes written to a subscriber that took 100 chunks of 4 KiB")
                .isLessThan(64L * 1024 * 1024);
        assertThat(got).hasSize(100);
        upstream.get().request(1_000); // drains the client's queue (256 chunks) below its mark: reading resumes
        await().atMost(WAIT).until(() -> got.size() == 1_100);
        await().atMost(WAIT).until(() -> server.bodyBytesWritten() > plateau);
        upstream.get().cancel();
        await().atMost(WAIT).until(() -> server.openConnections() == 0);
    }

    @Test
    void chunksFailsOnceWithTheTypedHttpError() {
        server.enqueue(MockResponse.error(400, "bad model"));
        StepVerifier.create(ReactorChat.chunks(chat, REQUEST))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(HttpStatusException.class,
                        h -> assertThat(h.status()).isEqualTo(400)))
                .verify(WAIT);
    }

    @Test
    void messagesEmitsGrowingSnapshotsAndCompletesWithTheFinalOne() {
        server.enqueue(MockResponse.chatTokens("Hel", "lo", "!"));
        Flux<StreamingMessage> messages = ReactorChat.messages(chat, REQUEST);
        assertThat(server.requests()).isEmpty();
        List<StreamingMessage> snapshots = messages.collectList().block(WAIT);
        StreamingMessage last = snapshots.get(snapshots.size() - 1);
        assertThat(last.state()).isEqualTo(StreamingMessage.State.COMPLETED);
        assertThat(last.content()).isEqualTo("Hello!");
        assertThat(snapshots).allSatisfy(m -> assertThat(m.id()).isEqualTo(last.id()));
        for (int i = 1; i < snapshots.size(); i++) {
            assertThat(snapshots.get(i).content()).startsWith(snapshots.get(i - 1).content());
        }
    }

    @Test
    void messagesFailsWithTheFailureOfAnErroredMessage() {
        server.enqueue(MockResponse.error(401, "no key"));
        StepVerifier.create(ReactorChat.messages(chat, REQUEST))
                .thenConsumeWhile(m -> m.isStreaming())
                .expectNextMatches(m -> m.state() == StreamingMessage.State.ERROR)
                .expectError(HttpStatusException.class)
                .verify(WAIT);
    }

    @Test
    void messagesFailsWhenTheStreamIsTruncated() {
        server.enqueue(MockResponse.stream()
                .write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"par\"},\"finish_reason\":null}]}\n\n")
                .closeAbruptly());
        StepVerifier.create(ReactorChat.messages(chat, REQUEST))
                .thenConsumeWhile(m -> m.isStreaming())
                .expectNextMatches(m -> !m.isStreaming())
                .expectError(RealtimeException.class)
                .verify(WAIT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "netty"})
    void cancellingMessagesCancelsTheStream(String transportName) {
        useTransport(transportName);
        server.enqueue(MockResponse.chatTokens(tokens(500)).withTokenDelay(Duration.ofMillis(5)));
        List<StreamingMessage> got = new CopyOnWriteArrayList<>();
        var disposable = ReactorChat.messages(chat, REQUEST).subscribe(got::add);
        await().atMost(WAIT).until(() -> got.size() > 3);
        String id = got.get(0).id();
        disposable.dispose();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.openConnections() == 0);
        await().atMost(WAIT).until(() -> chat.message(id).orElseThrow().state() == StreamingMessage.State.CANCELLED);
        assertThat(chat.activeStreams()).isZero();
    }

    @Test
    void messagesWithASlowSubscriberSkipsToTheLatestSnapshotAndEndsWithTheFinalOne() {
        server.enqueue(MockResponse.chatTokens(tokens(50)));
        StepVerifier.create(ReactorChat.messages(chat, REQUEST), 1)
                .expectNextCount(1)
                .then(() -> await().atMost(WAIT).until(() -> chat.activeStreams() == 0))
                .thenRequest(Long.MAX_VALUE)
                .expectNextMatches(m -> m.content().equals(String.join("", tokens(50))) && !m.isStreaming())
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void messagesFailsAtOnceWhenTheChatIsClosed() {
        chat.close();
        StepVerifier.create(ReactorChat.messages(chat, REQUEST)).expectError(IllegalStateException.class).verify(WAIT);
        assertThat(server.requests()).isEmpty();
    }
}
