package io.noa.realtime.samples.docs;

import static io.noa.realtime.samples.docs.ApiExamples.MESSAGE_NEW;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.rx.RxChat;
import io.noa.realtime.rx.RxRealtime;
import io.noa.realtime.rx.RxSse;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.List;
import java.util.Map;

/** The javadoc examples of the RxJava jar; each returns what it subscribed, for the test to wait on. */
final class RxExamples {
    private RxExamples() {}

    /** The RxChat class example. */
    static Disposable rxChat(StreamingChat chat, ChatRequest request) {
        // region:rx-chat
        Disposable printing = RxChat.chunks(chat, request)
                .mapOptional(StreamChunk::content)   // the text of choice 0, when a chunk carries some
                .filter(text -> !text.isEmpty())     // the first chunk often holds only the role
                .take(5)                             // cancelling closes the HTTP stream
                .subscribe(System.out::print);
        // endregion:rx-chat
        return printing;
    }

    /** The RxSse class example. */
    static Disposable rxSse(SseClient client) {
        // region:rx-sse
        Disposable shown = RxSse.events(client)
                .filter(e -> e.event().equals("progress"))
                .subscribe(e -> System.out.println("progress " + e.data()));
        RxSse.connect(client).blockingAwait();   // completes when CONNECTED
        // endregion:rx-sse
        return shown;
    }

    /** The RxRealtime class example. */
    static List<Disposable> rxRealtime(RealtimeClient client) {
        // region:rx-realtime
        Disposable shown = RxRealtime.connect(client)
                .andThen(RxRealtime.events(client, MESSAGE_NEW))
                .subscribe(m -> System.out.println(m.userId() + ": " + m.content()));
        Disposable sent = RxRealtime
                .emitWithAck(client, "message:send", Map.of("roomId", "room-123", "content", "Hi from Rx"))
                .subscribe(ack -> System.out.println("ack " + ack), error -> System.out.println("failed: " + error));
        // endregion:rx-realtime
        return List.of(shown, sent);
    }
}
