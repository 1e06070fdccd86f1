package io.noa.realtime.rx;

import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK (java.util.concurrent.Flow flavour) run against
 * {@link ChatCall#updates()}, the publisher {@link RxChat#messages} views. The publisher is
 * latest-wins, so the number of snapshots a subscriber sees mid-stream depends on timing; the
 * exact count the TCK needs is known only for an ended call, whose publisher emits exactly one
 * element (the final snapshot) and completes. So {@link #maxElementsFromPublisher()} is 1 and the
 * TCK skips the rules that need longer streams; it never fails (no failed publisher). The
 * latest-wins behaviour under slow demand is covered by {@code ChatCallContract} in the tck.
 */
public class ChatCallUpdatesTckTest extends FlowPublisherVerification<StreamingMessage> {
    private MockInferenceServer server;
    private Transport transport;
    private StreamingChat chat;

    public ChatCallUpdatesTckTest() {
        super(new TestEnvironment(2_000, 300));
    }

    @BeforeClass
    public void startServer() {
        server = MockInferenceServer.start();
        transport = Transports.load("jdk");
        chat = ChatFixtures.chat(server, transport);
    }

    @AfterClass
    public void stopServer() {
        chat.close();
        transport.close();
        server.close();
    }

    @Override
    public Flow.Publisher<StreamingMessage> createFlowPublisher(long elements) {
        // elements is 0 or 1 (see maxElementsFromPublisher); the 0 case is asked only by rules
        // that never request (subscribe(null), onSubscribe first) or by the empty-stream rule,
        // which cannot apply to updates() and is marked not verified below
        server.enqueue(MockResponse.chatTokens("a", "b"));
        ChatCall call = chat.send(ChatFixtures.REQUEST);
        try {
            call.result().get(ChatFixtures.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return call.updates();
    }

    @Override
    public Flow.Publisher<StreamingMessage> createFailedFlowPublisher() {
        return null; // updates() never fails: an unsuccessful end is a final snapshot carrying the failure
    }

    /** updates() always emits the final snapshot: there is no empty stream to verify. */
    @Override
    @Test
    public void optional_spec105_emptyStreamMustTerminateBySignallingOnComplete() {
        notVerified("ChatCall.updates() always emits at least the final snapshot");
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
