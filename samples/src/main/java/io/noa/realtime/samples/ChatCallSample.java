package io.noa.realtime.samples;

import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.testkit.MockInferenceServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The call handle of one chat message: wait for the final answer with {@code result()}, or follow
 * this message only with the {@code updates()} publisher. Quoted by the README's quick start.
 */
public final class ChatCallSample {
    private ChatCallSample() {}

    /**
     * Runs against an embedded inference server.
     *
     * @param args ignored
     * @throws Exception if the answer does not arrive
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Asks twice: once waiting for the whole answer, once following its snapshots.
     *
     * @param out where to print
     * @return 0
     * @throws InterruptedException if interrupted while waiting
     * @throws ExecutionException never: the future completes normally in every end state
     * @throws TimeoutException if an answer takes more than 30 s
     */
    public static int run(PrintStream out) throws InterruptedException, ExecutionException, TimeoutException {
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("One handle per message.")
                .tokenDelay(Duration.ofMillis(5)).start();
                Transport transport = Transports.load();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).model("demo-model").transport(transport)
                        .build()) {
            ChatRequest request = ChatRequest.builder().message(Message.user("Say something")).build();

            // region:call
            // wait for the answer: the future completes with the final snapshot in every end state
            StreamingMessage answer = chat.send(request).result().get(30, TimeUnit.SECONDS);
            out.println("[call] " + answer.state() + ": " + answer.content());

            // follow one message: its snapshots only, latest-wins, always ending with the final one
            ChatCall call = chat.send(request);
            call.updates().subscribe(new Flow.Subscriber<StreamingMessage>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamingMessage m) {
                    if (!m.isStreaming()) {
                        out.println("[updates] " + m.state() + ": " + m.content());
                    }
                }

                @Override
                public void onError(Throwable error) {
                    out.println("[updates] never happens: an unsuccessful end is a snapshot carrying its failure");
                }

                @Override
                public void onComplete() {
                    out.println("[updates] complete");
                }
            });
            call.result().get(30, TimeUnit.SECONDS); // (a UI would not wait; here the sample must not exit early)
            // endregion:call
        }
        return 0;
    }
}
