package io.noa.realtime.rx;

import io.noa.realtime.Subscription;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.reactivex.rxjava3.core.BackpressureStrategy;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableEmitter;
import java.util.Objects;
import java.util.Optional;
import org.reactivestreams.FlowAdapters;

/**
 * RxJava 3 views of a {@link StreamingChat}.
 *
 * <pre>{@code
 * RxChat.chunks(chat, request)
 *     .map(StreamChunk::content)   // or any other operator
 *     .take(5)                     // cancelling closes the HTTP stream
 *     .subscribe(System.out::print);
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
     * The snapshots of one message: each subscription starts it with
     * {@link StreamingChat#sendMessage(ChatRequest)} (so it is listed in
     * {@link StreamingChat#messages()}), emits its snapshots in order up to and including the
     * final one, then completes (COMPLETED or CANCELLED) or fails with the message's failure
     * (ERROR or TRUNCATED; a server error without a local cause is a
     * {@link io.noa.realtime.RealtimeException} naming it).
     * Disposing cancels the stream ({@link StreamingChat#cancelStream(String)}).
     *
     * <p>Backpressure: {@link BackpressureStrategy#LATEST}. Snapshots are cumulative (each holds
     * the whole content so far), so a slow subscriber skips intermediate snapshots and loses
     * nothing; the final snapshot is always delivered.
     *
     * @param chat the client
     * @param request the request
     * @return a flowable of snapshots of one message
     */
    public static Flowable<StreamingMessage> messages(StreamingChat chat, ChatRequest request) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(request, "request");
        return Flowable.create(emitter -> new MessageFollower(chat, emitter).start(request), BackpressureStrategy.LATEST);
    }

    /** Follows one message for one subscriber. */
    private static final class MessageFollower {
        private final StreamingChat chat;
        private final FlowableEmitter<StreamingMessage> emitter;
        private final SnapshotGate gate = new SnapshotGate();
        private volatile String id;

        MessageFollower(StreamingChat chat, FlowableEmitter<StreamingMessage> emitter) {
            this.chat = chat;
            this.emitter = emitter;
        }

        void start(ChatRequest request) {
            Subscription updates = chat.onUpdate(m -> {
                if (m.id().equals(id)) {
                    deliver(m);
                }
            });
            emitter.setCancellable(() -> {
                updates.close();
                Optional.ofNullable(id).ifPresent(chat::cancelStream);
            });
            try {
                id = chat.sendMessage(request);
            } catch (RuntimeException e) {
                emitter.tryOnError(e);
                return;
            }
            if (emitter.isCancelled()) {
                chat.cancelStream(id);
                return;
            }
            chat.message(id).ifPresent(this::deliver);
        }

        private synchronized void deliver(StreamingMessage m) {
            if (!gate.admit(m)) {
                return;
            }
            emitter.onNext(m);
            if (!m.isStreaming()) {
                Throwable failure = SnapshotGate.failureOf(m);
                if (failure == null) {
                    emitter.onComplete();
                } else {
                    emitter.tryOnError(failure);
                }
            }
        }
    }
}
