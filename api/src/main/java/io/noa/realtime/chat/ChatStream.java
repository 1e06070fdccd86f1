package io.noa.realtime.chat;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.InvalidHeaderException;
import io.noa.realtime.ResponseTimeoutException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.sse.EventStreamCall;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One streamed chat completion: the POST, the SSE body parsed and decoded into chunks, and the
 * accumulated message. Package-private engine behind {@link StreamingChat}.
 *
 * <p><b>The retry rule.</b> A failure is retried (per the policy, if retryable) only while the
 * server has not answered: a network error, a response-head timeout, a retryable error status.
 * Once a 2xx response head has arrived the request is never sent again, whatever follows (silence
 * and an idle timeout, a cut body, a bad document): the server may already be generating, and
 * billing, the answer.
 */
final class ChatStream implements SseParser.Handler, EventStreamCall.Listener {
    /** What a stream reports; calls are serial and made under the stream's lock: only hand off. */
    interface Listener {
        void onChunk(StreamChunk chunk);

        void onSnapshot(StreamingMessage message);

        void onEnd(StreamingMessage message);

        /**
         * Whether {@link #onSnapshot} should see a snapshot after every event. When not, chunks
         * are folded into the accumulator without one (a snapshot is an object graph per event)
         * and {@link ChatStream#snapshot()} builds one on demand; the final snapshot is always
         * reported. Asked once per event, under the stream's lock.
         *
         * @return whether a snapshot per event is wanted
         */
        default boolean wantsSnapshots() {
            return true;
        }

        /**
         * Whether {@link #onChunk} should see the chunks. When not, the common chunk (one choice
         * with content) is folded into the accumulator straight from the event's bytes, without a
         * {@link StreamChunk}. Asked once per event, before the event is decoded.
         *
         * @return whether chunks are wanted
         */
        default boolean wantsChunks() {
            return true;
        }
    }

    /** Life of the HTTP side, for the client's connection state. */
    enum Phase { SENDING, WAITING_RETRY, STREAMING, DONE }

    /**
     * Whether a decoder class reads event data as bytes itself (overrides
     * {@link ChunkDecoder#decode(String, byte[], int, int)}); for the others the bytes are decoded
     * to a {@code String} once and the {@code String} methods are called, as before.
     */
    private static final ClassValue<Boolean> BYTE_NATIVE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("decode", String.class, byte[].class, int.class, int.class)
                        .getDeclaringClass() != ChunkDecoder.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    /**
     * The stream whose listener calls this thread is making (under that stream's lock), if any: a
     * snapshot of another stream must then not be taken under that other stream's lock, or two
     * threads doing so for each other's streams would deadlock.
     */
    private static final ThreadLocal<ChatStream> CALLING = new ThreadLocal<>();

    /** After {@code [DONE]}: how long the rest of the body may take to end (keep-alive reuse). */
    private static final java.time.Duration DRAIN_AFTER_DONE = java.time.Duration.ofMillis(200);

    private final StreamingChat.Settings settings;
    private final byte[] body;
    private final ChunkAccumulator accumulator;
    private final Listener listener;
    private final BooleanSupplier mayRead;
    /** This stream's decoder: a dialect's decoder may keep state between the events of one stream. */
    private final ChunkDecoder decoder;
    private final Object lock = new Object();
    private EventStreamCall call;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> graceTimer;
    private ScheduledFuture<?> deadlineTimer;
    private boolean started;
    private int attempts;
    private volatile boolean firstByte;
    private volatile Phase phase = Phase.SENDING;
    private boolean finished;
    private volatile boolean releaseGently;
    // metrics and retry reporting (ClientEventListener, RetryListener)
    private final String messageId;
    private final io.noa.realtime.ClientEventListener metrics;
    /** Whether a metrics listener is set: without one the per-chunk path makes no call at all. */
    private final boolean observed;
    private volatile boolean headSeen;
    private boolean tokenSeen; // under lock
    private long chunkCount; // under lock
    private io.noa.realtime.RetryEvent pendingRetry; // under lock
    /** The common chunk read without a chunk object; {@code null} when the decoder cannot. */
    private final SimpleChunk simple;
    /** Events the simple reader declined; past {@link #MAX_SIMPLE_MISSES} it is not tried again. */
    private int simpleMisses; // parser callbacks are serial

    /** A stream whose events are mostly not simple (tool calls, logprobs) stops trying after these. */
    private static final int MAX_SIMPLE_MISSES = 64;

    ChatStream(StreamingChat.Settings settings, String messageId, byte[] body, Listener listener, BooleanSupplier mayRead) {
        this.settings = settings;
        this.body = body;
        this.accumulator = new ChunkAccumulator(messageId, settings.maxMessageChars,
                "StreamingChat.Builder.maxMessageChars");
        this.messageId = messageId;
        this.metrics = settings.eventListener;
        this.observed = metrics != io.noa.realtime.ClientEventListener.NONE;
        this.listener = listener;
        this.mayRead = mayRead;
        this.decoder = settings.newDecoder();
        this.simple = decoder instanceof OpenAiChunkDecoder ? new SimpleChunk() : null;
    }

    private volatile BooleanSupplier abandoned = () -> false;

    /** Sets the test for "nobody wants this stream any more" (a cancelled subscriber). */
    void onAbandoned(BooleanSupplier test) {
        this.abandoned = test;
    }

    /** Room appeared downstream (or the consumer left): read on, or cancel. */
    void resumeOrCancel() {
        if (abandoned.getAsBoolean()) {
            cancel();
            return;
        }
        EventStreamCall c;
        synchronized (lock) {
            c = call;
        }
        if (c != null) {
            c.resume();
        }
    }

    Phase phase() {
        return phase;
    }

    StreamingMessage snapshot() {
        synchronized (lock) {
            return accumulator.snapshot();
        }
    }

    /**
     * The current snapshot, or {@code null} when this thread is inside the listener calls of
     * another stream (holding its lock): taking this stream's lock then could deadlock, so the
     * caller answers with the last snapshot it recorded instead.
     */
    StreamingMessage snapshotIfSafe() {
        ChatStream calling = CALLING.get();
        return calling != null && calling != this ? null : snapshot();
    }

    /** Marks this thread as calling this stream's listener; returns what to restore. */
    private ChatStream enterCallbacks() {
        ChatStream outer = CALLING.get();
        CALLING.set(this);
        return outer;
    }

    void start() {
        synchronized (lock) {
            if (!started && !finished && settings.requestTimeout() != null) {
                Duration total = settings.requestTimeout();
                deadlineTimer = settings.transport().scheduler().schedule(() -> finish(a -> a.fail(
                        new ResponseTimeoutException(settings.target(), "No complete answer", total,
                                "StreamingChat.Builder.requestTimeout"))), total.toNanos(), TimeUnit.NANOSECONDS);
            }
            started = true;
        }
        retryStarts();
        StreamingRequest.Builder request = StreamingRequest.builder(settings.apiUrl()).method("POST")
                .connectTimeout(settings.connectTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream");
        settings.headers().forEach(request::header); // checked by the builder
        try {
            Optional<String> token = settings.bearerToken();
            for (java.util.Map.Entry<String, String> h : settings.dialect().headers(token).entrySet()) {
                if (DialectHeaders.setByUser(settings.headers(), h.getKey())) {
                    continue; // the builder's header of the same name wins
                }
                try {
                    request.header(h.getKey(), h.getValue());
                } catch (IllegalArgumentException e) {
                    throw new InvalidHeaderException(h.getKey(), e.getMessage()
                            + "; the value came from StreamingChat.Builder.apiKey/auth(supplier)");
                }
            }
        } catch (RuntimeException e) {
            finish(a -> a.fail(e)); // fails this message: never thrown on the scheduler's thread
            return;
        }
        request.body(body);
        SseParser parser = new SseParser(this, settings.maxEventSize(), settings.maxEventSize(),
                "StreamingChat.Builder.maxEventSize", "StreamingChat.Builder.maxEventSize");
        EventStreamCall c = EventStreamCall.builder(settings.transport(), request.build(), parser, this)
                .mayRead(mayRead).idleTimeout(settings.idleTimeout()).jsonDocuments(settings.maxEventSize())
                .responseHeadTimeout(settings.responseHeadTimeout(), "StreamingChat.Builder.responseHeadTimeout")
                .secretHeaders(settings.secretHeaders()).build();
        synchronized (lock) {
            if (finished) {
                return;
            }
            phase = Phase.SENDING;
            timer = null;
            call = c;
            accumulator.redactWith(c::redactSecrets); // an error event that echoes the request keeps no key
        }
        c.start();
    }

    // ---- metrics and retry reporting

    /** Reports the start of an attempt (and of the retry it is, if one). */
    private void retryStarts() {
        io.noa.realtime.RetryEvent retry;
        int attempt;
        synchronized (lock) {
            retry = pendingRetry;
            pendingRetry = null;
            attempt = attempts;
        }
        metrics.connectStart(messageId, attempt);
        if (retry != null) {
            retryCallbacks(l -> l.onRetryStarted(retry));
        }
    }

    private void retryCallbacks(java.util.function.Consumer<io.noa.realtime.RetryListener> call) {
        io.noa.realtime.internal.SerialExecutor callbacks = settings.callbacks;
        if (callbacks == null || settings.retryListeners.isEmpty()) {
            return;
        }
        for (io.noa.realtime.RetryListener l : settings.retryListeners) {
            callbacks.enqueue(() -> call.accept(l));
        }
        callbacks.kick();
    }

    /** The first thing read after the head: an event, a field, a comment, a whole document. */
    private void sawByte() {
        if (!firstByte) {
            firstByte = true;
            metrics.firstByte(messageId);
        }
    }

    /** A chunk arrived; under {@link #lock}. */
    private void countChunk(StreamChunk chunk) {
        if (!observed) {
            return;
        }
        if (!tokenSeen && carriesToken(chunk)) {
            tokenSeen = true;
            metrics.firstToken(messageId);
        }
        metrics.eventReceived(messageId, ++chunkCount);
    }

    private static boolean carriesToken(StreamChunk chunk) {
        for (Choice choice : chunk.choices()) {
            Delta d = choice.delta().orElse(null);
            if (d == null) {
                continue;
            }
            if (d.content().isPresent() || d.reasoning().isPresent() || d.refusal().isPresent()
                    || !d.toolCalls().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    // ---- call callbacks

    @Override
    public void onResponseHead(int status) {
        headSeen = true;
        metrics.connectEnd(messageId);
        metrics.responseHead(messageId, status);
    }

    @Override
    public void onOpen() {
        synchronized (lock) {
            if (!finished) {
                phase = Phase.STREAMING;
            }
        }
    }

    @Override
    public void onFailure(Throwable error, boolean afterOpen) {
        if (!headSeen) {
            metrics.connectFailed(messageId, error);
        }
        if (afterOpen || firstByte) {
            finish(a -> a.fail(error)); // the server answered 2xx: never send the request again
        } else {
            retryOrFail(error);
        }
    }

    /**
     * The server ignored {@code stream:true} and answered one {@code chat.completion} object:
     * its {@code choices[].message} decode like deltas, and the message ends with that one
     * final snapshot.
     */
    @Override
    public void onJsonDocument(byte[] json) {
        sawByte();
        List<StreamChunk> chunks;
        try {
            chunks = decoder.decode("message", new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            finish(a -> a.fail(e));
            return;
        }
        finish(a -> {
            for (StreamChunk chunk : chunks) {
                if (observed) {
                    countChunk(chunk);
                }
                listener.onChunk(chunk);
                a.accept(chunk);
            }
            return a.complete();
        });
    }

    private void retryOrFail(Throwable error) {
        RetryPolicy policy = settings.retryPolicy();
        io.noa.realtime.RetryEvent retry;
        int made;
        synchronized (lock) {
            if (finished) {
                return;
            }
            made = attempts;
            if (!firstByte && RetryPolicy.isRetryable(error) && policy.allowsRetry(attempts)) {
                Optional<Duration> retryAfter = error instanceof HttpStatusException
                        ? ((HttpStatusException) error).retryAfter() : Optional.empty();
                Duration delay = policy.delayForAttempt(attempts, Optional.empty(), retryAfter);
                attempts++;
                phase = Phase.WAITING_RETRY;
                call = null;
                retry = new io.noa.realtime.RetryEvent(messageId, attempts, policy.maxRetries(), delay, error);
                pendingRetry = retry;
                timer = settings.transport().scheduler().schedule(this::start, delay.toNanos(), TimeUnit.NANOSECONDS);
            } else {
                retry = null;
            }
        }
        if (retry != null) {
            metrics.retryScheduled(retry);
            retryCallbacks(l -> l.onRetryScheduled(retry));
            return;
        }
        if (!firstByte && RetryPolicy.isRetryable(error)) {
            retryCallbacks(l -> l.onRetriesExhausted(messageId, made, error));
        }
        finish(a -> a.fail(error));
    }

    // ---- parser callbacks (serial, on the transport's thread)

    @Override
    public void onEvent(SseEvent event) {
        sawByte();
        if (decoder.isEndOfStream(event.event(), event.data())) {
            releaseGently = true;
            finish(ChunkAccumulator::complete);
            return;
        }
        accept(decoder.decode(event.event(), event.data()));
        if (settings.dialect().endsStream(event.event())) { // the dialect's end rule (message_stop, ...)
            releaseGently = true;
            finish(ChunkAccumulator::complete);
        }
    }

    /**
     * The body ended inside an event (no blank line after it; some proxies trim it): a chat
     * stream accepts it when its data is one complete JSON value, and drops it otherwise.
     */
    @Override
    public void onUnterminatedEvent(SseEvent event) {
        if (!JsonValues.isCompleteObject(event.data())) {
            return;
        }
        onEvent(event);
    }

    /**
     * The chat path's events: the data goes to the decoder as bytes (no {@code String} per event)
     * when the decoder reads bytes itself; otherwise it is decoded once, as for any SSE handler.
     */
    @Override
    public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
        if (!BYTE_NATIVE.get(decoder.getClass())) {
            SseParser.Handler.super.onEventBytes(id, type, data, offset, length); // to onEvent(SseEvent)
            return;
        }
        sawByte();
        if (decoder.isEndOfStream(type, data, offset, length)) {
            releaseGently = true;
            finish(ChunkAccumulator::complete);
            return;
        }
        if (simple != null && simpleMisses < MAX_SIMPLE_MISSES && !observed && !listener.wantsChunks()) {
            if (((OpenAiChunkDecoder) decoder).readSimple(type, data, offset, length, simple)) {
                acceptSimple(simple);
            } else {
                simpleMisses++;
                accept(decoder.decode(type, data, offset, length));
            }
        } else {
            accept(decoder.decode(type, data, offset, length));
        }
        if (settings.dialect().endsStream(type)) { // the dialect's end rule (message_stop, ...)
            releaseGently = true;
            finish(ChunkAccumulator::complete);
        }
    }

    /**
     * Under lock, after an event's chunks were applied: once every choice has finished, the end
     * follows after the completion grace (a trailing usage chunk may still come); the snapshot
     * goes to the listener if it wants one per chunk.
     */
    private void afterChunksLocked() {
        if (accumulator.allChoicesFinished() && graceTimer == null) {
            graceTimer = settings.transport().scheduler().schedule(() -> finish(ChunkAccumulator::complete),
                    settings.completionGrace().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (listener.wantsSnapshots()) {
            listener.onSnapshot(accumulator.snapshot());
        }
    }

    /** {@link #accept(List)} for the one common chunk read without a chunk object. */
    private void acceptSimple(SimpleChunk chunk) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            ChatStream outer = enterCallbacks();
            try {
                accumulator.applySimple(chunk);
                afterChunksLocked();
            } finally {
                CALLING.set(outer);
            }
        }
    }

    @Override
    public void onField(String name, String value) {
        sawByte();
        accept(decoder.decodeField(name, value));
    }

    @Override
    public void onComment(String comment) {
        sawByte();
    }

    private void accept(List<StreamChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (finished) {
                return;
            }
            ChatStream outer = enterCallbacks();
            try {
                for (int i = 0; i < chunks.size(); i++) { // indexed: no iterator per event
                    StreamChunk chunk = chunks.get(i);
                    if (observed) {
                        countChunk(chunk);
                    }
                    listener.onChunk(chunk);
                    accumulator.apply(chunk);
                }
                afterChunksLocked();
            } finally {
                CALLING.set(outer);
            }
        }
    }

    /**
     * Hands the current snapshot to {@code to} under the stream's lock (so in order with the
     * snapshots the stream publishes itself), unless the stream has ended.
     *
     * @param to receives the snapshot
     */
    void currentSnapshot(java.util.function.Consumer<StreamingMessage> to) {
        ChatStream calling = CALLING.get();
        if (calling != null && calling != this) {
            return; // inside another stream's callbacks: see snapshotIfSafe()
        }
        synchronized (lock) {
            if (!finished) {
                ChatStream outer = enterCallbacks();
                try {
                    to.accept(accumulator.snapshot());
                } finally {
                    CALLING.set(outer);
                }
            }
        }
    }

    @Override
    public void onEnd() {
        synchronized (lock) {
            if (finished) {
                return;
            }
        }
        finish(ChunkAccumulator::endOfInput);
    }

    /** Aborts the HTTP exchange and marks the message CANCELLED (partial content kept). */
    void cancel() {
        finish(ChunkAccumulator::cancel);
    }

    /**
     * Aborts the HTTP exchange and ends the message in ERROR with {@code error} (partial content
     * kept); used when the client is closed under a running publisher.
     *
     * @param error the reason
     */
    void fail(Throwable error) {
        finish(a -> a.fail(error));
    }

    /**
     * Ends the stream once: stops timers, closes the connection, reports the final snapshot.
     *
     * @param end how to end the accumulator (complete, fail, cancel, ...)
     */
    private void finish(java.util.function.Function<ChunkAccumulator, StreamingMessage> end) {
        EventStreamCall c;
        StreamingMessage message;
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
            phase = Phase.DONE;
            message = end.apply(accumulator);
            if (timer != null) {
                timer.cancel(false);
            }
            if (graceTimer != null) {
                graceTimer.cancel(false);
            }
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            c = call;
            ChatStream outer = enterCallbacks();
            try {
                listener.onSnapshot(message);
                listener.onEnd(message);
            } finally {
                CALLING.set(outer);
            }
        }
        metrics.end(messageId, message.failure());
        if (c != null) {
            if (releaseGently) {
                c.drainAndRelease(DRAIN_AFTER_DONE);
            } else {
                c.cancel();
            }
        }
    }
}
