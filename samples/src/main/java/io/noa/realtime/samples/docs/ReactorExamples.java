package io.noa.realtime.samples.docs;

import static io.noa.realtime.samples.docs.ApiExamples.MESSAGE_NEW;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.reactor.ReactorChat;
import io.noa.realtime.reactor.ReactorRealtime;
import io.noa.realtime.reactor.ReactorSse;
import java.util.List;
import java.util.Map;
import reactor.core.Disposable;

/** The javadoc examples of the Reactor jar; each returns what it subscribed, for the test to wait on. */
final class ReactorExamples {
    private ReactorExamples() {}

    /** The ReactorChat class example. */
    static Disposable reactorChat(StreamingChat chat, ChatRequest request) {
        // region:reactor-chat
        Disposable printing = ReactorChat.chunks(chat, request)
                .mapNotNull(chunk -> chunk.content().orElse(null))   // the text of choice 0, when a chunk carries some
                .filter(text -> !text.isEmpty())                     // the first chunk often holds only the role
                .take(5)                                             // cancelling closes the HTTP stream
                .subscribe(System.out::print);
        // endregion:reactor-chat
        return printing;
    }

    /** The ReactorSse class example. */
    static Disposable reactorSse(SseClient client) {
        // region:reactor-sse
        Disposable shown = ReactorSse.connect(client)
                .thenMany(ReactorSse.events(client))
                .subscribe(e -> System.out.println(e.event() + " " + e.data()));
        // endregion:reactor-sse
        return shown;
    }

    /** The ReactorRealtime class example. */
    static List<Disposable> reactorRealtime(RealtimeClient client) {
        // region:reactor-realtime
        Disposable shown = ReactorRealtime.connect(client)
                .thenMany(ReactorRealtime.events(client, MESSAGE_NEW))
                .subscribe(m -> System.out.println(m.userId() + ": " + m.content()));
        Disposable sent = ReactorRealtime
                .emitWithAck(client, "message:send", Map.of("roomId", "room-123", "content", "Hi from Reactor"))
                .subscribe(ack -> System.out.println("ack " + ack), error -> System.out.println("failed: " + error));
        // endregion:reactor-realtime
        return List.of(shown, sent);
    }
}
