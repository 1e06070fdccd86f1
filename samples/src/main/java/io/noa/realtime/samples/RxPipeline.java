package io.noa.realtime.samples;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.rx.RxChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.testkit.MockInferenceServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** An answer as an RxJava 3 {@code Flowable}: chunks printed as they come, then the whole text. */
public final class RxPipeline {
    private RxPipeline() {}

    /**
     * Runs against an embedded inference server.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Streams one answer through Rx operators, printing each chunk's text and the final content.
     *
     * @param out where to print
     * @return 0
     */
    public static int run(PrintStream out) {
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("Rx streams, one chunk at a time.")
                .tokenDelay(Duration.ofMillis(5)).start();
                Transport transport = Transports.load();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).model("demo-model").transport(transport)
                        .build()) {
            ChatRequest request = ChatRequest.builder().messages(List.of(Message.user("Say something"))).build();
            // region:pipeline
            // raw chunks: backpressured, cancelling (e.g. take(n)) closes the HTTP stream
            List<String> pieces = RxChat.chunks(chat, request)
                    .concatMapIterable(StreamChunk::choices)
                    .map(choice -> choice.delta().flatMap(d -> d.content()).orElse(""))
                    .filter(text -> !text.isEmpty())
                    .doOnNext(text -> out.println("[rx] chunk '" + text + "'"))
                    .toList()
                    .blockingGet();
            // snapshots: the last one holds the whole answer
            String full = RxChat.messages(chat, request).lastOrError().blockingGet().content();
            // endregion:pipeline
            out.println("[rx] " + pieces.size() + " chunks; answer: " + full);
        }
        return 0;
    }
}
