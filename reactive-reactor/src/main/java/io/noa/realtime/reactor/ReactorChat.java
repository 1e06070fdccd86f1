package io.noa.realtime.reactor;

import io.noa.realtime.Subscription;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import java.util.Objects;
import java.util.Optional;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Reactor views of a {@link StreamingChat}.
 *
 * <pre>{@code
 * ReactorChat.chunks(chat, request)
 *     .take(5)                     // cancelling closes the HTTP stream
 *     .subscribe(System.out::println);
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
     * The snapshots of one message: each subscription starts it with
     * {@link StreamingChat#sendMessage(ChatRequest)} (so it is listed in
     * {@link StreamingChat#messages()}), emits its snapshots in order up to and including the
     * final one, then completes (COMPLETED or CANCELLED) or fails with the message's failure
     * (ERROR or TRUNCATED; a server error without a local cause is a
     * {@link io.noa.realtime.RealtimeException} naming it). Cancelling cancels the stream
     * ({@link StreamingChat#cancelStream(String)}).
     *
     * <p>Backpressure: {@link FluxSink.OverflowStrategy#LATEST}. Snapshots are cumulative (each
     * holds the whole content so far), so a slow subscriber skips intermediate snapshots and loses
     * nothing; the final snapshot is always delivered.
     *
     * @param chat the client
     * @param request the request
     * @return a flux of snapshots of one message
     */
    public static Flux<StreamingMessage> messages(StreamingChat chat, ChatRequest request) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(request, "request");
        return Flux.create(sink -> new MessageFollower(chat, sink).start(request), FluxSink.OverflowStrategy.LATEST);
    }

    /** Follows one message for one subscriber. */
    private static final class MessageFollower {
        private final StreamingChat chat;
        private final FluxSink<StreamingMessage> sink;
        private final SnapshotGate gate = new SnapshotGate();
        private volatile String id;

        MessageFollower(StreamingChat chat, FluxSink<StreamingMessage> sink) {
            this.chat = chat;
            this.sink = sink;
        }

        void start(ChatRequest request) {
            Subscription updates = chat.onUpdate(m -> {
                if (m.id().equals(id)) {
                    deliver(m);
                }
            });
            sink.onDispose(updates::close);
            sink.onCancel(() -> Optional.ofNullable(id).ifPresent(chat::cancelStream));
            try {
                id = chat.sendMessage(request);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            if (sink.isCancelled()) {
                chat.cancelStream(id);
                return;
            }
            chat.message(id).ifPresent(this::deliver);
        }

        private synchronized void deliver(StreamingMessage m) {
            if (sink.isCancelled() || !gate.admit(m)) {
                return;
            }
            sink.next(m);
            if (!m.isStreaming()) {
                Throwable failure = SnapshotGate.failureOf(m);
                if (failure == null) {
                    sink.complete();
                } else {
                    sink.error(failure);
                }
            }
        }
    }
}
