package io.noa.realtime.rx;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK (java.util.concurrent.Flow flavour) run against
 * {@link StreamingChat#stream(ChatRequest)}: the publisher every adapter of this module builds on.
 * Each subscription enqueues a scripted response with exactly the wanted number of chunk events
 * followed by {@code [DONE]}, so the element count is exact. Runs on the JDK transport; {@link
 * StreamingChatPublisherNettyTckTest} runs the same on Netty.
 */
public class StreamingChatPublisherTckTest extends FlowPublisherVerification<StreamChunk> {
    private static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n";

    private MockInferenceServer server;
    private Transport transport;
    private StreamingChat chat;

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
    public void startServer() {
        server = MockInferenceServer.start();
        transport = Transports.load(transportName());
        chat = ChatFixtures.chat(server, transport);
    }

    @AfterClass
    public void stopServer() {
        chat.close();
        transport.close();
        server.close();
    }

    @Override
    public Flow.Publisher<StreamChunk> createFlowPublisher(long elements) {
        Flow.Publisher<StreamChunk> stream = chat.stream(ChatFixtures.REQUEST);
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
        Flow.Publisher<StreamChunk> stream = chat.stream(ChatFixtures.REQUEST);
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
