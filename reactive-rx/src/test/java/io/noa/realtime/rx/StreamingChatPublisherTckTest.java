package io.noa.realtime.rx;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK (java.util.concurrent.Flow flavour) run against
 * {@link StreamingChat#stream(ChatRequest)}: the publisher every adapter of this module builds on.
 * Each subscription enqueues a scripted response with exactly the wanted number of chunk events
 * followed by {@code [DONE]}, so the element count is exact. Each publisher has its own server:
 * a subscriber that cancels before its request went out leaves its response unconsumed (the
 * request is aborted, as it must be), and that response must not reach the next publisher.
 * Runs on the JDK transport; {@link
 * StreamingChatPublisherNettyTckTest} runs the same on Netty.
 */
public class StreamingChatPublisherTckTest extends FlowPublisherVerification<StreamChunk> {
    private static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n";

    private Transport transport;
    private final List<AutoCloseable> upstreams = new CopyOnWriteArrayList<>();

    public StreamingChatPublisherTckTest() {
        super(new TestEnvironment(2_000, 300));
    }

    /**
     * The transport the chat uses.
     *
     * @return a name for {@link Transports#load(String)}
     */
    protected String transportName() {
        return "jdk";
    }

    @BeforeClass
    public void startTransport() {
        transport = Transports.load(transportName());
    }

    @AfterClass
    public void stopTransport() throws Exception {
        closeUpstreams();
        transport.close();
    }

    /** Closes the chats and servers of the publishers a test created. */
    @AfterMethod(alwaysRun = true)
    public void closeUpstreams() throws Exception {
        for (AutoCloseable c : upstreams) {
            c.close();
        }
        upstreams.clear();
    }

    private StreamingChat chatWith(MockInferenceServer server) {
        StreamingChat chat = ChatFixtures.chat(server, transport);
        upstreams.add(chat);
        upstreams.add(server);
        return chat;
    }

    @Override
    public Flow.Publisher<StreamChunk> createFlowPublisher(long elements) {
        MockInferenceServer server = MockInferenceServer.start();
        Flow.Publisher<StreamChunk> stream = chatWith(server).stream(ChatFixtures.REQUEST);
        return subscriber -> {
            MockResponse.Builder script = MockResponse.stream();
            for (long i = 0; i < elements; i++) {
                script.write(CHUNK);
            }
            server.enqueue(script.write("data: [DONE]\n\n").end());
            stream.subscribe(subscriber);
        };
    }

    @Override
    public Flow.Publisher<StreamChunk> createFailedFlowPublisher() {
        MockInferenceServer server = MockInferenceServer.start();
        Flow.Publisher<StreamChunk> stream = chatWith(server).stream(ChatFixtures.REQUEST);
        return subscriber -> {
            server.enqueue(MockResponse.error(400, "refused on purpose"));
            stream.subscribe(subscriber);
        };
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1_000;
    }
}
