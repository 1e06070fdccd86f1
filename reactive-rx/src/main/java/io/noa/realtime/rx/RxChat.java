package io.noa.realtime.rx;

import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.reactivex.rxjava3.core.Flowable;
import java.util.Objects;
import org.reactivestreams.FlowAdapters;

/**
 * RxJava 3 views of a {@link StreamingChat}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/RxExamples.java#rx-chat -->
 * <pre>{@code
 * Disposable printing = RxChat.chunks(chat, request)
 *         .mapOptional(StreamChunk::content)   // the text of choice 0, when a chunk carries some
 *         .filter(text -> !text.isEmpty())     // the first chunk often holds only the role
 *         .take(5)                             // cancelling closes the HTTP stream
 *         .subscribe(System.out::print);
 * }</pre>
 */
public final class RxChat {
    private RxChat() {}

    /**
     * The raw chunks of one completion. Cold: each subscriber sends its own request; the
     * subscriber's demand is the demand on the socket (no demand = no reads); cancelling aborts
     * the HTTP stream. Fails with the api's typed errors (HTTP status, transport, truncation).
     *
     * @param chat the client
     * @param request the request
     * @return a backpressured flowable of chunks
     */
    public static Flowable<StreamChunk> chunks(StreamingChat chat, ChatRequest request) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(request, "request");
        return Flowable.defer(() -> Flowable.fromPublisher(FlowAdapters.toPublisher(chat.stream(request))));
    }

    /**
     * The snapshots of one message: a view of {@link StreamingChat#send(ChatRequest)}'s
     * {@link ChatCall#updates()}. Cold: each subscription sends the request (so the message is
     * listed in {@link StreamingChat#messages()}), emits its snapshots in order up to and
     * including the final one, then completes (COMPLETED or CANCELLED) or fails with
     * {@link ChatCall#failure()} (ERROR or TRUNCATED). Disposing cancels the call.
     *
     * <p>Backpressure: latest wins. Snapshots are cumulative (each holds the whole content so
     * far), so a slow subscriber skips intermediate snapshots and loses nothing; the final
     * snapshot is always delivered.
     *
     * @param chat the client
     * @param request the request
     * @return a flowable of snapshots of one message
     */
    public static Flowable<StreamingMessage> messages(StreamingChat chat, ChatRequest request) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(request, "request");
        return Flowable.defer(() -> {
            ChatCall call = chat.send(request);
            return Flowable.fromPublisher(FlowAdapters.toPublisher(call.updates()))
                    .concatWith(Flowable.defer(() -> call.failure().<Flowable<StreamingMessage>>map(Flowable::error)
                            .orElse(Flowable.empty())))
                    .doOnCancel(call::cancel);
        });
    }
}
