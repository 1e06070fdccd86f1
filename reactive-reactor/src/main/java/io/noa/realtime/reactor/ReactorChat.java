package io.noa.realtime.reactor;

import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import java.util.Objects;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor views of a {@link StreamingChat}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ReactorExamples.java#reactor-chat -->
 * <pre>{@code
 * Disposable printing = ReactorChat.chunks(chat, request)
 *         .mapNotNull(chunk -> chunk.content().orElse(null))   // the text of choice 0, when a chunk carries some
 *         .filter(text -> !text.isEmpty())                     // the first chunk often holds only the role
 *         .take(5)                                             // cancelling closes the HTTP stream
 *         .subscribe(System.out::print);
 * }</pre>
 */
public final class ReactorChat {
    private ReactorChat() {}

    /**
     * The raw chunks of one completion. Cold: each subscriber sends its own request; the
     * subscriber's demand is the demand on the socket (no demand = no reads); cancelling aborts
     * the HTTP stream. Fails with the api's typed errors (HTTP status, transport, truncation).
     *
     * @param chat the client
     * @param request the request
     * @return a backpressured flux of chunks
     */
    public static Flux<StreamChunk> chunks(StreamingChat chat, ChatRequest request) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> JdkFlowAdapter.flowPublisherToFlux(chat.stream(request)));
    }

    /**
     * The snapshots of one message: a view of {@link StreamingChat#send(ChatRequest)}'s
     * {@link ChatCall#updates()}. Cold: each subscription sends the request (so the message is
     * listed in {@link StreamingChat#messages()}), emits its snapshots in order up to and
     * including the final one, then completes (COMPLETED or CANCELLED) or fails with
     * {@link ChatCall#failure()} (ERROR or TRUNCATED). Cancelling cancels the call.
     *
     * <p>Backpressure: latest wins. Snapshots are cumulative (each holds the whole content so
     * far), so a slow subscriber skips intermediate snapshots and loses nothing; the final
     * snapshot is always delivered.
     *
     * @param chat the client
     * @param request the request
     * @return a flux of snapshots of one message
     */
    public static Flux<StreamingMessage> messages(StreamingChat chat, ChatRequest request) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            ChatCall call = chat.send(request);
            return JdkFlowAdapter.flowPublisherToFlux(call.updates())
                    .concatWith(Mono.defer(() -> call.failure().<Mono<StreamingMessage>>map(Mono::error)
                            .orElse(Mono.empty())))
                    .doOnCancel(call::cancel);
        });
    }
}
