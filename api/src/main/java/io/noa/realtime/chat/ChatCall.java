package io.noa.realtime.chat;

import io.noa.realtime.RealtimeException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.internal.BoundedMulticast;
import io.noa.realtime.internal.LatestValuePublisher;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * One message being streamed: the handle {@link StreamingChat#send(ChatRequest)} returns at once.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#chat-call -->
 * <pre>{@code
 * ChatCall call = chat.send(request);
 * call.updates().subscribe(subscriber);                              // follow this message only
 * StreamingMessage last = call.result().get(60, TimeUnit.SECONDS);   // or wait for the final snapshot
 * }</pre>
 *
 * <ul>
 *   <li>{@link #result()}: a future of the final snapshot. It completes <em>normally</em> in
 *       every terminal state (COMPLETED, CANCELLED, ERROR, TRUNCATED); the snapshot carries the
 *       state and the failure. Every call returns a new future: cancelling one cancels the stream
 *       (so the others complete with the CANCELLED snapshot) but never makes another caller's
 *       future throw.</li>
 *   <li>{@link #updates()}: the snapshots of this message only, latest-wins.</li>
 *   <li>{@link #chunks()}: the raw chunks of this message from the moment of subscription.</li>
 * </ul>
 *
 * <p>Thread-safe. The publishers signal on the thread that produced the value (the transport's
 * I/O thread; do not block there) or on the thread that calls {@code request}.
 */
public final class ChatCall {
    private final String id;
    private final ChatStream stream;
    private final LatestValuePublisher<StreamingMessage> updates = new LatestValuePublisher<>();
    private final BoundedMulticast<StreamChunk> chunks;
    private final CompletableFuture<StreamingMessage> end = new CompletableFuture<>();
    private final Executor callbacks;

    /**
     * Creates the handle of one stream; the chat wires {@link #listener()} into the stream.
     *
     * @param id the message id
     * @param settings the chat's settings
     * @param body the request body
     * @param callbacks where {@link #result()} completes (the chat's callback executor)
     * @param also the chat's own listener (the messages map, {@code onUpdate} listeners)
     */
    ChatCall(String id, StreamingChat.Settings settings, byte[] body, Executor callbacks, ChatStream.Listener also) {
        this.id = id;
        this.callbacks = callbacks;
        this.chunks = new BoundedMulticast<>(settings.maxQueuedChunks, this::resume);
        this.stream = new ChatStream(settings, id, body, new ChatStream.Listener() {
            @Override
            public void onChunk(StreamChunk chunk) {
                chunks.offer(chunk);
                also.onChunk(chunk);
            }

            @Override
            public void onSnapshot(StreamingMessage message) {
                if (message.isStreaming()) {
                    if (updates.isCompleted()) {
                        return; // a chunk decoded in the same read as a cancel: the end stands
                    }
                    updates.publish(message);
                }
                also.onSnapshot(message);
            }

            @Override
            public boolean wantsSnapshots() {
                return updates.hasSubscribers() || also.wantsSnapshots();
            }

            @Override
            public boolean wantsChunks() {
                return chunks.hasSubscribers() || also.wantsChunks();
            }

            @Override
            public void onEnd(StreamingMessage message) {
                also.onEnd(message);
                updates.complete(message);
                chunks.complete();
                ChatCall.this.callbacks.execute(() -> end.complete(message));
            }
        }, chunks::hasRoom);
        updates.publish(stream.snapshot());
    }

    private void resume() {
        stream.resumeOrCancel();
    }

    ChatStream stream() {
        return stream;
    }

    /**
     * The message id (the key in {@link StreamingChat#messages()}).
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The latest snapshot of this message.
     *
     * @return the snapshot; streaming until the call ends
     */
    public StreamingMessage snapshot() {
        // built on demand while streaming: snapshots are not made per chunk unless someone follows
        if (updates.isCompleted()) {
            return updates.latest();
        }
        StreamingMessage live = stream.snapshotIfSafe();
        return live != null ? live : updates.latest();
    }

    /**
     * Cancels the stream: the HTTP connection is closed (at any moment: before the response, or
     * mid-body) and the message ends CANCELLED with the content received so far. No effect once
     * the call has ended.
     *
     * @return whether the call was still in progress
     */
    public boolean cancel() {
        boolean running = !updates.isCompleted();
        stream.cancel();
        return running;
    }

    /**
     * Whether the call has ended (its final snapshot is known).
     *
     * @return true once ended
     */
    public boolean isDone() {
        return updates.isCompleted();
    }

    /**
     * The failure to report for a call that ended in ERROR or TRUNCATED: the local cause
     * ({@link StreamingMessage#failure()}: HTTP status, transport, limit...), else a
     * {@link RealtimeException} naming the server's error event, else a
     * {@link StreamFormatException} saying the stream was cut. Empty while streaming and after a
     * COMPLETED or CANCELLED end. Reactive adapters use it to fail their stream after the final
     * snapshot.
     *
     * @return the failure of an unsuccessful end
     */
    public Optional<Throwable> failure() {
        StreamingMessage m = snapshot();
        if (m == null || m.isStreaming()) {
            return Optional.empty();
        }
        switch (m.state()) {
            case ERROR:
                return Optional.of(m.failure().orElseGet(() -> new RealtimeException("Chat message " + m.id()
                        + " ended with a server error: " + m.error().map(e -> e.message()).orElse("(no detail)"))));
            case TRUNCATED:
                return Optional.of(m.failure().orElseGet(() -> new StreamFormatException("Chat message " + m.id()
                        + " was truncated: the stream ended without [DONE] or a finish reason; retry the request", "")));
            default:
                return Optional.empty();
        }
    }

    /**
     * A future of the final snapshot. It completes normally in every terminal state: COMPLETED,
     * CANCELLED, ERROR (an HTTP or transport error, or an error event; see
     * {@link StreamingMessage#failure()} and {@link StreamingMessage#error()}) and TRUNCATED.
     * It completes on the chat's callback executor (by default the transport's I/O thread: chain
     * no blocking work on it).
     *
     * <p>Each call returns a new future (call it once and keep it; every future stays registered
     * until the call ends). Cancelling it ({@code result().cancel(true)}) cancels
     * the stream, exactly like {@link #cancel()}; the futures other callers hold then complete
     * normally with the CANCELLED snapshot.
     *
     * @return a new future of the final snapshot
     */
    public CompletableFuture<StreamingMessage> result() {
        CompletableFuture<StreamingMessage> mine = new CompletableFuture<>();
        end.whenComplete((m, e) -> mine.complete(m));
        mine.whenComplete((m, e) -> {
            if (mine.isCancelled()) {
                stream.cancel();
            }
        });
        return mine;
    }

    /**
     * The snapshots of this message only (each holds the whole content so far). Hot and
     * multicast; any number of subscribers. A subscriber first receives the latest snapshot (the
     * empty one when nothing arrived yet), then newer ones: under slow demand it skips to the
     * newest (latest-wins, at most one snapshot held per subscriber), and it always ends with the
     * final snapshot followed by {@code onComplete} — in every terminal state, the final
     * snapshot carries the failure. A subscriber arriving after the end receives the final
     * snapshot and {@code onComplete}. Cancelling a subscription does not cancel the call.
     *
     * <p><b>Cost.</b> While this publisher has a subscriber, every event of the stream builds a
     * snapshot (a small object graph; the texts are shared, not copied). With none, and no
     * {@link StreamingChat#onUpdate} listener, chunks are folded without snapshots and
     * {@link #snapshot()} builds one when asked; {@link #result()} alone costs no snapshot per chunk.
     *
     * @return the publisher of this message's snapshots
     */
    public Flow.Publisher<StreamingMessage> updates() {
        return subscriber -> {
            refreshLatest(); // so that the subscriber starts from the current snapshot
            updates.subscribe(subscriber);
            refreshLatest(); // a chunk folded while it subscribed, before it counted as a follower
        };
    }

    /** Publishes the stream's current snapshot if it is newer than the last one published. */
    private void refreshLatest() {
        stream.currentSnapshot(s -> {
            if (s != updates.latest() && !updates.isCompleted()) {
                updates.publish(s);
            }
        });
    }

    /**
     * The raw chunks of this message, from the moment of subscription: a subscriber receives the
     * chunks that arrive after it subscribed (to see every chunk from the first, subscribe right
     * after {@link StreamingChat#send}, before the response arrives, or use
     * {@link StreamingChat#stream(ChatRequest)}, which is cold). Bounded: each subscriber has a
     * queue of {@link StreamingChat.Builder#maxQueuedChunks} chunks; while one is full the call
     * stops reading the socket (so a chunk subscriber without demand also holds back
     * {@link #updates()} and {@link #result()}; cancel it to release the call). Completes when
     * the call ends, whatever its state (the failure is on the final snapshot); a subscriber
     * arriving after the end completes at once. Cancelling a subscription does not cancel the
     * call.
     *
     * <p><b>Cost.</b> While this publisher has a subscriber, every event is decoded into a
     * {@link StreamChunk} (with its choices and deltas). With none, the common chunk (one choice
     * carrying text) is folded into the message straight from the event's bytes, without a chunk
     * object or a {@code String} for its text.
     *
     * @return the publisher of this message's chunks
     */
    public Flow.Publisher<StreamChunk> chunks() {
        return chunks;
    }

    @Override
    public String toString() {
        StreamingMessage m = snapshot();
        return "ChatCall{" + id + ", " + (m == null ? "starting" : m.state()) + '}';
    }
}
