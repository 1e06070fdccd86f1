package io.noa.realtime.rx;

import static io.noa.realtime.rx.ChatFixtures.REQUEST;
import static io.noa.realtime.rx.ChatFixtures.WAIT;
import static io.noa.realtime.rx.ChatFixtures.awaitPlateau;
import static io.noa.realtime.rx.ChatFixtures.bigChunkEvent;
import static io.noa.realtime.rx.ChatFixtures.content;
import static io.noa.realtime.rx.ChatFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RxChatTest {
    @RegisterExtension
    final UndeliverableRecorder undeliverable = new UndeliverableRecorder();

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
        List<StreamChunk> chunks = RxChat.chunks(chat, REQUEST).toList().blockingGet();
        assertThat(chunks).hasSize(3 + 2);
        assertThat(chunks.stream().map(ChatFixtures::content).collect(Collectors.joining())).isEqualTo("Hello world");
    }

    @Test
    void chunksIsColdAndSendsOneRequestPerSubscriber() {
        Flowable<StreamChunk> flowable = RxChat.chunks(chat, REQUEST);
        assertThat(server.requests()).isEmpty();
        server.enqueue(MockResponse.chatTokens("a"));
        server.enqueue(MockResponse.chatTokens("b"));
        String first = flowable.map(ChatFixtures::content).reduce("", String::concat).blockingGet();
        String second = flowable.map(ChatFixtures::content).reduce("", String::concat).blockingGet();
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("a", "b");
        assertThat(server.requests()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "netty"})
    void takeFiveOfALongStreamCancelsTheHttpStream(String transportName) {
        useTransport(transportName);
        server.enqueue(MockResponse.chatTokens(tokens(500)).withTokenDelay(Duration.ofMillis(2)));
        List<StreamChunk> five = RxChat.chunks(chat, REQUEST).take(5).toList().blockingGet();
        assertThat(five).hasSize(5);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.openConnections() == 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "netty"})
    void aSlowSubscriberKeepsTheReadBounded(String transportName) throws InterruptedException {
        useTransport(transportName);
        server.enqueue(MockResponse.stream().writeForever(bigChunkEvent(4 * 1024)).end());
        TestSubscriber<StreamChunk> slow = RxChat.chunks(chat, REQUEST).test(0);
        for (int i = 0; i < 100; i++) {
            slow.request(1);
            Thread.sleep(10);
        }
        await().atMost(WAIT).until(() -> slow.values().size() == 100);
        long plateau = awaitPlateau(server::bodyBytesWritten);
        assertThat(plateau).as("bytes written to a subscriber that took 100 chunks of 4 KiB")
                .isLessThan(64L * 1024 * 1024);
        assertThat(slow.values()).hasSize(100);
        slow.assertNotComplete().assertNoErrors();
        slow.request(1_000); // drains the client's queue (256 chunks) below its mark: reading resumes
        await().atMost(WAIT).until(() -> slow.values().size() == 1_100);
        await().atMost(WAIT).until(() -> server.bodyBytesWritten() > plateau);
        slow.cancel();
        await().atMost(WAIT).until(() -> server.openConnections() == 0);
    }

    @Test
    void chunksFailsWithTheTypedHttpError() {
        server.enqueue(MockResponse.error(400, "bad model"));
        TestSubscriber<StreamChunk> ts = RxChat.chunks(chat, REQUEST).test();
        ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS);
        ts.assertError(e -> e instanceof HttpStatusException && ((HttpStatusException) e).status() == 400);
    }

    @Test
    void messagesEmitsGrowingSnapshotsAndCompletesWithTheFinalOne() {
        server.enqueue(MockResponse.chatTokens("Hel", "lo", "!"));
        Flowable<StreamingMessage> messages = RxChat.messages(chat, REQUEST);
        assertThat(server.requests()).isEmpty();
        List<StreamingMessage> snapshots = messages.toList().blockingGet();
        StreamingMessage last = snapshots.get(snapshots.size() - 1);
        assertThat(last.state()).isEqualTo(StreamingMessage.State.COMPLETED);
        assertThat(last.content()).isEqualTo("Hello!");
        assertThat(snapshots).allSatisfy(m -> assertThat(m.id()).isEqualTo(last.id()));
        for (int i = 1; i < snapshots.size(); i++) {
            assertThat(snapshots.get(i).content()).startsWith(snapshots.get(i - 1).content());
        }
        assertThat(chat.message(last.id())).isPresent();
    }

    @Test
    void messagesFailsWithTheFailureOfAnErroredMessage() {
        server.enqueue(MockResponse.error(401, "no key"));
        TestSubscriber<StreamingMessage> ts = RxChat.messages(chat, REQUEST).test();
        ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS);
        ts.assertError(HttpStatusException.class); // exactly one error
        StreamingMessage last = ts.values().get(ts.values().size() - 1);
        assertThat(last.state()).isEqualTo(StreamingMessage.State.ERROR);
    }

    @Test
    void messagesFailsWhenTheStreamIsTruncated() {
        server.enqueue(MockResponse.stream()
                .write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"par\"},\"finish_reason\":null}]}\n\n")
                .closeAbruptly());
        TestSubscriber<StreamingMessage> ts = RxChat.messages(chat, REQUEST).test();
        ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS);
        ts.assertError(io.noa.realtime.RealtimeException.class); // exactly one error
        assertThat(ts.values().get(ts.values().size() - 1).isStreaming()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "netty"})
    void disposingMessagesCancelsTheStream(String transportName) {
        useTransport(transportName);
        server.enqueue(MockResponse.chatTokens(tokens(500)).withTokenDelay(Duration.ofMillis(5)));
        TestSubscriber<StreamingMessage> ts = RxChat.messages(chat, REQUEST).test();
        await().atMost(WAIT).until(() -> ts.values().size() > 3);
        String id = ts.values().get(0).id();
        ts.cancel();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.openConnections() == 0);
        await().atMost(WAIT).until(() -> chat.message(id).orElseThrow().state() == StreamingMessage.State.CANCELLED);
        assertThat(chat.activeStreams()).isZero();
        ts.assertNotComplete().assertNoErrors();
    }

    @Test
    void messagesWithASlowSubscriberSkipsToTheLatestSnapshotAndEndsWithTheFinalOne() {
        server.enqueue(MockResponse.chatTokens(tokens(50)));
        TestSubscriber<StreamingMessage> ts = RxChat.messages(chat, REQUEST).test(1);
        await().atMost(WAIT).until(() -> chat.activeStreams() == 0);
        ts.request(Long.MAX_VALUE);
        ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS).assertComplete();
        assertThat(ts.values()).hasSizeLessThanOrEqualTo(2);
        assertThat(ts.values().get(ts.values().size() - 1).content()).isEqualTo(String.join("", tokens(50)));
    }

    @Test
    void messagesFailsAtOnceWhenTheChatIsClosed() {
        chat.close();
        TestSubscriber<StreamingMessage> ts = RxChat.messages(chat, REQUEST).test();
        ts.assertError(IllegalStateException.class);
        assertThat(server.requests()).isEmpty();
    }
}
