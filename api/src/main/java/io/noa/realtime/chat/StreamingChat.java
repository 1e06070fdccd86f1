package io.noa.realtime.chat;

import io.noa.realtime.internal.Args;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.Subscription;
import io.noa.realtime.internal.BoundedMulticast;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.internal.SerialExecutor;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.sse.SseParser;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Streams chat completions token by token from an OpenAI-compatible endpoint, or another chat API
 * chosen with {@link Builder#dialect(Dialect)} (the guide's
 * {@code useStreamingChat}).
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#streaming-chat -->
 * <pre>{@code
 * try (StreamingChat chat = StreamingChat.builder(url)          // e.g. "https://api.openai.com/v1/chat/completions"
 *         .apiKey(apiKey)                                       // e.g. System.getenv("OPENAI_API_KEY")
 *         .model("gpt-4o-mini")
 *         .build()) {
 *     ChatRequest request = ChatRequest.builder().message(Message.user("Write a haiku about TCP")).build();
 *     // wait inside the block: closing the chat cancels the streams still running
 *     StreamingMessage answer = chat.send(request).result().get(60, TimeUnit.SECONDS);
 *     System.out.println(answer.state() + ": " + answer.content());
 * }
 * }</pre>
 *
 * <p>Every {@link #send} (and {@link #sendMessage}, which returns only the id) starts an
 * independent stream; many may run at once. The POST is
 * retried (per the {@link RetryPolicy}) only while no byte of the answer has arrived; after that a
 * failure ends the message in {@code ERROR} or {@code TRUNCATED}, and a stream that ended
 * normally is never sent again, so a completion is never billed twice. A message completes at
 * {@code [DONE]}, at a terminal error event, or shortly after every choice has a finish reason
 * (the {@linkplain Builder#completionGrace grace period} picks up a trailing usage chunk) — it
 * does not wait for the server to close the connection.
 *
 * <p>Thread-safe. Listeners run serially and in order, by default on the transport's I/O thread
 * (do not block in them) or on the configured executor.
 */
public final class StreamingChat implements AutoCloseable {
    private final Settings settings;
    private final boolean ownsTransport;
    private final SerialExecutor callbacks;
    /**
     * Guards {@link #messages} and {@link #closed}. Lock order: a stream's lock, then this one
     * (a stream publishes its snapshots under its own lock), never the reverse: nothing is called
     * on a stream or a call while this lock is held (issue 17 defect 1 was such a cycle).
     */
    private final Object lock = new Object();
    private final LinkedHashMap<String, Recorded> messages = new LinkedHashMap<>();
    /** Ids of the finished messages still in {@link #messages}, oldest first; under {@link #lock}. */
    private final java.util.ArrayDeque<String> finished = new java.util.ArrayDeque<>();
    private final Map<String, ChatStream> active = new ConcurrentHashMap<>();
    /** The running {@link #stream(ChatRequest)} publishers' streams, ended by {@link #close()}. */
    private final java.util.Set<ChatStream> publishing = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Consumer<? super StreamingMessage>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private StreamingChat(Builder b, Transport transport, boolean ownsTransport) {
        this.settings = new Settings(b, transport);
        this.ownsTransport = ownsTransport;
        this.callbacks = new SerialExecutor(b.callbackExecutor);
        this.settings.callbacks = callbacks;
    }

    /**
     * A builder for the chat completions endpoint {@code apiUrl}.
     *
     * @param apiUrl e.g. {@code https://api.openai.com/v1/chat/completions}
     * @return the builder
     */
    public static Builder builder(URI apiUrl) {
        return new Builder(apiUrl);
    }

    /**
     * A builder for the chat completions endpoint {@code apiUrl}.
     *
     * @param apiUrl e.g. {@code https://api.openai.com/v1/chat/completions}
     * @return the builder
     */
    public static Builder builder(String apiUrl) {
        return builder(URI.create(Objects.requireNonNull(apiUrl, "apiUrl")));
    }

    // ---------------------------------------------------------------- sending

    /**
     * Starts streaming an answer to {@code conversation} with the default model.
     *
     * @param conversation the messages so far
     * @return the new message's id, at once
     * @throws LimitExceededException when {@link Builder#maxConcurrentStreams} streams are active
     */
    public String sendMessage(List<Message> conversation) {
        return sendMessage(ChatRequest.builder().messages(conversation).build());
    }

    /**
     * Starts streaming an answer to {@code conversation} with {@code model}.
     *
     * @param conversation the messages so far
     * @param model the model
     * @return the new message's id, at once
     * @throws LimitExceededException when {@link Builder#maxConcurrentStreams} streams are active
     */
    public String sendMessage(List<Message> conversation, String model) {
        return sendMessage(ChatRequest.builder().messages(conversation).model(model).build());
    }

    /**
     * Starts streaming an answer to {@code request} and returns its id at once; follow it through
     * {@link #messages()}, {@link #message(String)} and {@link #onUpdate}. The same as
     * {@code send(request).id()}.
     *
     * @param request the request
     * @return the new message's id, at once
     * @throws LimitExceededException when {@link Builder#maxConcurrentStreams} streams are active
     * @throws IllegalStateException when the client is closed or no model is known
     */
    public String sendMessage(ChatRequest request) {
        return send(request).id();
    }

    /**
     * Starts streaming an answer to {@code request} and returns its handle at once: wait for the
     * final snapshot with {@link ChatCall#result()}, follow this message only with
     * {@link ChatCall#updates()}, cancel it with {@link ChatCall#cancel()}. The message is also
     * listed in {@link #messages()} and reported to {@link #onUpdate} listeners, like every
     * message sent through {@link #sendMessage}.
     *
     * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#send -->
     * <pre>{@code
     * StreamingMessage answer = chat.send(request).result().get(60, TimeUnit.SECONDS);
     * }</pre>
     *
     * @param request the request
     * @return the call's handle, at once
     * @throws LimitExceededException when {@link Builder#maxConcurrentStreams} streams are active
     * @throws IllegalStateException when the client is closed or no model is known
     */
    public ChatCall send(ChatRequest request) {
        return start(request, null);
    }

    /**
     * {@link #send(ChatRequest)}, with {@code onChunk} receiving every chunk of this answer from
     * the first, as it arrives (registered before the request goes out, so none is missed):
     * the one-liner for printing tokens, like iterating openai-java's streamed chunks. Called
     * serially with this client's other listeners (on the transport's I/O thread unless a
     * callback executor is set: do not block), and always before the call's
     * {@link ChatCall#result()} completes.
     *
     * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/FirstAnswer.java#send-chunks -->
     * <pre>{@code
     * StreamingMessage answer = chat.send(request, chunk -> System.out.print(chunk.content().orElse("")))
     *         .result().get(60, TimeUnit.SECONDS);
     * }</pre>
     *
     * @param request the request
     * @param onChunk receives each {@link StreamChunk} ({@link StreamChunk#content()} is the text it adds)
     * @return the call's handle, at once
     * @throws LimitExceededException when {@link Builder#maxConcurrentStreams} streams are active
     * @throws IllegalStateException when the client is closed or no model is known
     */
    public ChatCall send(ChatRequest request, Consumer<? super StreamChunk> onChunk) {
        return start(request, Objects.requireNonNull(onChunk, "onChunk"));
    }

    private ChatCall start(ChatRequest request, Consumer<? super StreamChunk> onChunk) {
        Objects.requireNonNull(request, "request");
        byte[] body = settings.dialect.encode(request, settings.model);
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        Recorded recorded = new Recorded();
        ChatCall call = new ChatCall(id, settings, body, callbacks, new ChatStream.Listener() {
            @Override
            public void onChunk(StreamChunk chunk) {
                if (onChunk != null) {
                    callbacks.execute(onChunk, chunk);
                }
            }

            @Override
            public void onSnapshot(StreamingMessage message) {
                publish(recorded, message);
            }

            @Override
            public boolean wantsSnapshots() {
                return !listeners.isEmpty(); // messages() and message(id) build theirs on demand
            }

            @Override
            public boolean wantsChunks() {
                return onChunk != null; // send(request, onChunk); other chunk readers are ChatCall.chunks()
            }

            @Override
            public void onEnd(StreamingMessage message) {
                active.remove(message.id());
                retire(message.id());
            }
        });
        ChatStream stream = call.stream();
        recorded.latest = call.snapshot();
        synchronized (lock) {
            checkOpen();
            if (active.size() >= settings.maxConcurrentStreams) {
                throw new LimitExceededException("concurrent chat streams", "StreamingChat.Builder.maxConcurrentStreams",
                        settings.maxConcurrentStreams);
            }
            active.put(id, stream);
            messages.put(id, recorded);
        }
        stream.start();
        callbacks.kick();
        return call;
    }

    /**
     * The latest snapshot of one message in {@link #messages}: its stream writes every new one
     * here without the chat's lock (a stream's snapshots come one after the other, the final one
     * last); a forgotten message's record is no longer in the map, so its writes go nowhere.
     */
    private static final class Recorded {
        volatile StreamingMessage latest;
    }

    /**
     * A message ended: it counts as finished in {@link #messages}, and the oldest finished ones
     * beyond {@link Builder#maxRetainedMessages} go. Called under the stream's lock (lock order:
     * stream, then chat).
     */
    private void retire(String id) {
        synchronized (lock) {
            if (!messages.containsKey(id)) {
                return; // forgotten already
            }
            finished.addLast(id);
            while (finished.size() > settings.maxRetainedMessages) {
                messages.remove(finished.pollFirst());
            }
        }
    }

    private void publish(Recorded recorded, StreamingMessage message) {
        recorded.latest = message; // no lock and no lookup per event: the stream holds its record
        for (Consumer<? super StreamingMessage> l : listeners) {
            callbacks.execute(l, message);
        }
    }

    /**
     * A cold publisher of the raw chunks of one completion: each subscription sends the request
     * and streams with backpressure (no demand = no socket reads); cancelling the subscription
     * aborts the HTTP stream. Completes after {@code [DONE]} or when every choice finished; fails
     * with the HTTP or transport error, or a {@link io.noa.realtime.StreamFormatException} when
     * the stream was cut before its end. Not listed in {@link #messages()}.
     *
     * <p>{@link #close()} ends a running subscription with
     * {@link io.noa.realtime.ConnectionClosedException} (not {@code onComplete}: the answer was
     * cut, not finished) and closes its connection; no chunk follows. A subscription made after
     * {@code close()} fails the same way at once, and nothing is sent.
     *
     * @param request the request
     * @return the chunk publisher
     */
    public Flow.Publisher<StreamChunk> stream(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        byte[] body = settings.dialect.encode(request, settings.model);
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            String id = "stream_" + UUID.randomUUID().toString().replace("-", "");
            ChatStream[] holder = new ChatStream[1];
            BoundedMulticast<StreamChunk> out = new BoundedMulticast<>(settings.maxQueuedChunks, () -> {
                ChatStream s = holder[0];
                if (s != null) {
                    s.resumeOrCancel();
                }
            });
            ChatStream stream = new ChatStream(settings, id, body, new ChatStream.Listener() {
                @Override
                public void onChunk(StreamChunk chunk) {
                    out.offer(chunk);
                }

                @Override
                public void onSnapshot(StreamingMessage message) {}

                @Override
                public boolean wantsSnapshots() {
                    return false; // chunks only: no snapshot per event
                }

                @Override
                public void onEnd(StreamingMessage message) {
                    publishing.remove(holder[0]);
                    switch (message.state()) {
                        case COMPLETED:
                        case CANCELLED:
                            out.complete();
                            break;
                        default:
                            out.error(message.failure().orElseGet(() -> new io.noa.realtime.StreamFormatException(
                                    "The chat stream from " + settings.target + " ended in state " + message.state(),
                                    "")));
                    }
                }
            }, out::hasRoom);
            holder[0] = stream;
            stream.onAbandoned(() -> !out.hasSubscribers());
            out.subscribe(subscriber);
            publishing.add(stream);
            if (closed) { // close() may or may not have seen it: failing twice is harmless
                stream.fail(closedError());
            } else {
                stream.start();
            }
        };
    }

    // ---------------------------------------------------------------- state

    /**
     * All messages sent through {@link #send} or {@link #sendMessage}, oldest first, each as its
     * latest snapshot.
     *
     * @return an immutable, ordered snapshot
     */
    public Map<String, StreamingMessage> messages() {
        LinkedHashMap<String, StreamingMessage> copy;
        synchronized (lock) {
            copy = new LinkedHashMap<>(Math.max(16, messages.size() * 2));
            for (Map.Entry<String, Recorded> e : messages.entrySet()) {
                copy.put(e.getKey(), e.getValue().latest);
            }
        }
        // streaming messages are snapshotted now (outside the chat's lock: the order is stream, then chat)
        for (Map.Entry<String, StreamingMessage> e : copy.entrySet()) {
            if (e.getValue().isStreaming()) {
                e.setValue(live(e.getKey(), e.getValue()));
            }
        }
        return Collections.unmodifiableMap(copy);
    }

    /** The current snapshot of a message that was streaming when last recorded. */
    private StreamingMessage live(String id, StreamingMessage recorded) {
        ChatStream s = active.get(id);
        StreamingMessage now = s == null ? null : s.snapshotIfSafe();
        if (now != null) {
            return now;
        }
        // it ended meanwhile (its final snapshot was recorded), or this thread is inside the
        // callbacks of another stream, where waiting for this stream's lock could deadlock
        synchronized (lock) {
            Recorded r = messages.get(id);
            return r != null ? r.latest : recorded;
        }
    }

    /**
     * The latest snapshot of one message.
     *
     * @param id the id {@link #sendMessage} returned ({@link ChatCall#id()})
     * @return the snapshot, if the id is known
     */
    public Optional<StreamingMessage> message(String id) {
        StreamingMessage m;
        synchronized (lock) {
            Recorded r = messages.get(Objects.requireNonNull(id, "id"));
            m = r == null ? null : r.latest;
        }
        return Optional.ofNullable(m != null && m.isStreaming() ? live(id, m) : m);
    }

    /**
     * Removes a finished message from {@link #messages()} (cancelling it first if it is still
     * streaming), so long conversations do not grow the map forever.
     *
     * @param id the message id
     * @return whether the id was known
     */
    public boolean forget(String id) {
        cancelStream(id);
        synchronized (lock) {
            finished.remove(id);
            return messages.remove(Objects.requireNonNull(id, "id")) != null;
        }
    }

    /**
     * Receives every new snapshot of every message.
     *
     * <p><b>What each way of following a message costs.</b> While at least one {@code onUpdate}
     * listener is registered (this one or the coalescing one below), every event of every message
     * sent with {@link #send} builds a {@link StreamingMessage} snapshot: a small object graph per
     * event (the texts are shared, never copied). Without one, chunks are folded into the message
     * with no snapshot, and {@link #messages()}, {@link #message(String)} and
     * {@link ChatCall#snapshot()} build a snapshot when called; {@link ChatCall#result()} costs
     * only the final one; {@link ChatCall#updates()} costs a snapshot per event while it has a
     * subscriber; {@link #stream(ChatRequest)} never builds one. (Called from inside a callback of
     * another message, on its I/O thread, {@code messages()} shows such a message as of its last
     * recorded snapshot rather than wait for its stream.)
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onUpdate(Consumer<? super StreamingMessage> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Receives at most one snapshot per {@code minInterval} per message (the latest one), for UIs
     * that should not re-render on every token; the final snapshot of each message is always
     * delivered, at once. It still costs a snapshot per event (the latest must be at hand when the
     * interval ends), but the listener runs at most once per interval.
     *
     * @param minInterval the shortest time between two updates of one message
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onUpdate(Duration minInterval, Consumer<? super StreamingMessage> listener) {
        Coalescer coalescer = new Coalescer(minInterval, listener, settings.transport.scheduler(), callbacks);
        Subscription s = onUpdate(coalescer);
        return () -> {
            s.close();
            coalescer.close();
        };
    }

    /**
     * Cancels one stream: its HTTP connection is closed and the message ends CANCELLED with the
     * content received so far.
     *
     * @param id the message id
     * @return whether a stream was active
     */
    public boolean cancelStream(String id) {
        ChatStream s = active.get(Objects.requireNonNull(id, "id"));
        if (s == null) {
            return false;
        }
        s.cancel();
        return true;
    }

    /** Cancels every active stream. */
    public void cancelAll() {
        for (ChatStream s : active.values()) {
            s.cancel();
        }
    }

    /**
     * Sees the retries of every request of this client: a request that failed before the first
     * byte of its answer and will be sent again ({@link io.noa.realtime.RetryListener#onRetryScheduled},
     * with the message id as {@link io.noa.realtime.RetryEvent#subject()}, the attempt number,
     * the budget and the delay), the retry as it starts, and a request whose retries ran out
     * (its message then ends in {@code ERROR} with that failure). Serial and in order with the
     * other listeners of this client.
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onRetry(io.noa.realtime.RetryListener listener) {
        Objects.requireNonNull(listener, "listener");
        settings.retryListeners.add(listener);
        return () -> settings.retryListeners.remove(listener);
    }

    /**
     * Sees each retry scheduled, as a lambda: short for
     * {@code onRetry(RetryListener.onScheduled(action))} (see {@link #onRetry(io.noa.realtime.RetryListener)}).
     *
     * @param action receives each {@link io.noa.realtime.RetryEvent}: "attempt 3 of &#8734; in 1.6 s after ..."
     * @return closing it removes the listener
     */
    public Subscription onRetry(Consumer<? super io.noa.realtime.RetryEvent> action) {
        return onRetry(io.noa.realtime.RetryListener.onScheduled(action));
    }

    /**
     * Number of streams in progress.
     *
     * @return the count
     */
    public int activeStreams() {
        return active.size();
    }

    /**
     * A summary of the HTTP side: {@code CONNECTED} while any answer is streaming,
     * {@code CONNECTING} while a request waits for its response, {@code RECONNECTING} while one
     * waits to retry, {@code CLOSED} after {@link #close()}, {@code DISCONNECTED} otherwise.
     *
     * @return the state
     */
    public ConnectionState connectionState() {
        if (closed) {
            return ConnectionState.CLOSED;
        }
        boolean sending = false;
        boolean retrying = false;
        for (ChatStream s : active.values()) {
            switch (s.phase()) {
                case STREAMING:
                    return ConnectionState.CONNECTED;
                case SENDING:
                    sending = true;
                    break;
                case WAITING_RETRY:
                    retrying = true;
                    break;
                default:
                    break;
            }
        }
        return sending ? ConnectionState.CONNECTING : retrying ? ConnectionState.RECONNECTING : ConnectionState.DISCONNECTED;
    }

    /**
     * Cancels every stream and releases the transport if the client created it. Idempotent.
     * Messages of {@link #send} end {@code CANCELLED}; running {@link #stream(ChatRequest)}
     * publishers fail with {@link io.noa.realtime.ConnectionClosedException}. Every connection is
     * closed, and no chunk is delivered afterwards.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cancelAll();
        for (ChatStream s : publishing) {
            s.fail(closedError());
        }
        if (ownsTransport) {
            settings.transport.close();
        }
    }

    private io.noa.realtime.ConnectionClosedException closedError() {
        return new io.noa.realtime.ConnectionClosedException("This StreamingChat (" + settings.target
                + ") was closed; the stream ended without its answer. Use a client that is not closed");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This StreamingChat is closed");
        }
    }

    @Override
    public String toString() {
        return "StreamingChat{" + settings.target + ", model=" + settings.model + ", active=" + active.size() + '}';
    }

    // ---------------------------------------------------------------- settings

    /** The resolved, immutable settings shared by the streams of one client. */
    static final class Settings {
        final URI apiUrl;
        final String target;
        final String model;
        final Supplier<String> token;
        final Map<String, String> headers;
        final RetryPolicy retryPolicy;
        final Duration connectTimeout;
        final Duration idleTimeout;
        final Duration responseHeadTimeout;
        final Duration requestTimeout;
        final java.util.Set<String> secretHeaders;
        final int maxRetainedMessages;
        final Duration completionGrace;
        final ChunkDecoder decoder;
        final Dialect dialect;
        final int maxEventSize;
        final int maxConcurrentStreams;
        final int maxQueuedChunks;
        final Transport transport;
        final io.noa.realtime.ClientEventListener eventListener;
        final long maxMessageChars;
        final CopyOnWriteArrayList<io.noa.realtime.RetryListener> retryListeners = new CopyOnWriteArrayList<>();
        /** The client's callback queue, set once by its constructor. */
        volatile SerialExecutor callbacks;

        Settings(Builder b, Transport transport) {
            this.apiUrl = b.apiUrl;
            this.target = Redaction.url(b.apiUrl);
            this.model = b.model;
            this.token = b.token;
            this.headers = Map.copyOf(b.headers);
            this.retryPolicy = b.retryPolicy;
            this.connectTimeout = b.connectTimeout;
            this.idleTimeout = b.idleTimeout;
            this.responseHeadTimeout = b.responseHeadTimeout;
            this.requestTimeout = b.requestTimeout;
            this.secretHeaders = java.util.Set.copyOf(b.secretHeaders);
            this.maxRetainedMessages = b.maxRetainedMessages;
            this.completionGrace = b.completionGrace;
            this.decoder = b.decoder;
            this.dialect = b.dialect;
            this.maxEventSize = b.maxEventSize;
            this.maxConcurrentStreams = b.maxConcurrentStreams;
            this.maxQueuedChunks = b.maxQueuedChunks;
            this.transport = transport;
            this.eventListener = io.noa.realtime.ClientEventListener.guarded(b.eventListener);
            this.maxMessageChars = b.maxMessageChars;
        }

        URI apiUrl() {
            return apiUrl;
        }

        String target() {
            return target;
        }

        Optional<String> bearerToken() {
            return token == null ? Optional.empty() : Optional.ofNullable(token.get());
        }

        Map<String, String> headers() {
            return headers;
        }

        RetryPolicy retryPolicy() {
            return retryPolicy;
        }

        Duration connectTimeout() {
            return connectTimeout;
        }

        Duration idleTimeout() {
            return idleTimeout;
        }

        Duration responseHeadTimeout() {
            return responseHeadTimeout;
        }

        /** The total deadline of one request, or {@code null} for none. */
        Duration requestTimeout() {
            return requestTimeout;
        }

        java.util.Set<String> secretHeaders() {
            return secretHeaders;
        }

        Duration completionGrace() {
            return completionGrace;
        }

        /** The decoder of one new stream: the builder's, else a new one of the dialect. */
        ChunkDecoder newDecoder() {
            return decoder != null ? decoder : dialect.newDecoder();
        }

        Dialect dialect() {
            return dialect;
        }

        int maxEventSize() {
            return maxEventSize;
        }

        Transport transport() {
            return transport;
        }
    }

    /** Builds a {@link StreamingChat}. Not thread-safe. */
    public static final class Builder {
        private URI apiUrl;
        private String model;
        private Supplier<String> token;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RetryPolicy retryPolicy = RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(500))
                .maxDelay(Duration.ofSeconds(8)).build();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration responseHeadTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout;
        private final java.util.Set<String> secretHeaders = new java.util.TreeSet<>();
        private int maxRetainedMessages = 1_000;
        private Duration completionGrace = Duration.ofMillis(250);
        private ChunkDecoder decoder;
        private Dialect dialect = Dialect.OPENAI_CHAT;
        private int maxEventSize = SseParser.DEFAULT_MAX_EVENT_BYTES;
        private int maxConcurrentStreams = 256;
        private int maxQueuedChunks = 256;
        private Executor callbackExecutor = SerialExecutor.DIRECT;
        private Transport transport;
        private io.noa.realtime.ClientEventListener eventListener = io.noa.realtime.ClientEventListener.NONE;
        private long maxMessageChars = ChunkAccumulator.DEFAULT_MAX_MESSAGE_CHARS;

        private Builder(URI apiUrl) {
            Objects.requireNonNull(apiUrl, "apiUrl");
            String scheme = apiUrl.getScheme() == null ? "" : apiUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("apiUrl must be an http or https URL, got " + Redaction.url(apiUrl));
            }
            this.apiUrl = apiUrl;
        }

        /**
         * The API key, sent as {@code Authorization: Bearer <key>} (or in the header of the
         * {@link #dialect(Dialect) dialect}, e.g. Anthropic's {@code x-api-key}). Never logged or printed,
         * redacted from error excerpts (a 401 body that echoes the request), and not sent along a
         * redirect to another origin.
         *
         * <p>Keep the key in this header (or another header): a key put in the URL's query is
         * kept out of this library's messages, but the JDK's own HTTP client logs whole URLs at
         * its debug level ({@code jdk.httpclient.HttpClient}, {@code -Djdk.httpclient.HttpClient.log}),
         * so whoever reads those logs sees it.
         *
         * @param apiKey the key
         * @return this builder
         * @throws io.noa.realtime.InvalidHeaderException when the key holds a character HTTP
         *     cannot send (a control character such as a trailing newline, or a character above
         *     U+00FF); the message names the {@code Authorization} header, never the key
         */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            checkHeader("Authorization", "Bearer " + apiKey);
            this.token = () -> apiKey;
            return this;
        }

        /**
         * A bearer token read before every request (for short-lived tokens). Called on a
         * transport thread: must not block. A token with a character HTTP cannot send ends that
         * message in {@code ERROR} with an {@link io.noa.realtime.InvalidHeaderException} naming
         * the {@code Authorization} header (never the token); nothing is sent.
         *
         * @param supplier the token supplier
         * @return this builder
         */
        public Builder auth(Supplier<String> supplier) {
            this.token = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * The model used when a request names none.
         *
         * @param model e.g. {@code gpt-4o-mini}
         * @return this builder
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * An extra request header (e.g. {@code OpenAI-Organization}). Credentials under the usual
         * names ({@code x-api-key}, {@code api-key}, {@code apikey}, {@code api_key},
         * {@code x-auth-token}, cookies, anything named like a key or token) are recognised:
         * never printed, redacted from error excerpts, not sent along a redirect to another
         * origin. For a credential under another name use {@link #secretHeader(String, String)}.
         *
         * @param name the name
         * @param value the value: no control characters, nothing above U+00FF
         * @return this builder
         * @throws io.noa.realtime.InvalidHeaderException when the name or value holds a character
         *     HTTP cannot send (the message names the header, never the value)
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            checkHeader(name, value);
            headers.put(name, value);
            return this;
        }

        /**
         * An extra request header holding a credential under a name this library does not
         * recognise as one (e.g. {@code X-Signature}): like {@link #header(String, String)}, and
         * its value is never printed, is redacted from error excerpts and messages, and the header
         * is not sent along a redirect to another origin.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         * @throws io.noa.realtime.InvalidHeaderException when the name or value holds a character
         *     HTTP cannot send
         */
        public Builder secretHeader(String name, String value) {
            header(name, value);
            secretHeaders.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        private static void checkHeader(String name, String value) {
            try {
                io.noa.realtime.spi.Headers.builder().add(name, value);
            } catch (IllegalArgumentException e) {
                throw new io.noa.realtime.InvalidHeaderException(name, e.getMessage());
            }
        }

        /**
         * How failures before the first byte are retried (network errors, 408, 429 except
         * {@code insufficient_quota}, 5xx; never 401); default 2 retries from 500 ms.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The connect timeout (default 10 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Args.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * The read timeout (default 60 s): no byte (comments included) for this long fails the
         * stream with {@link io.noa.realtime.IdleTimeoutException}.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Args.positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * How long a request waits for the response head, counted from the moment it is handed
         * to the transport, connecting included (default 30 s: above the 10 s connect timeout,
         * so that an unreachable host still reports its
         * {@link io.noa.realtime.ConnectTimeoutException}, and long enough for a server that
         * loads a model before it answers; keep it above {@link #connectTimeout(Duration)}). A
         * server that accepts the connection and never answers, or sends its head a byte at a
         * time, fails the attempt with a retryable {@link io.noa.realtime.ResponseTimeoutException}
         * (retried per the {@link #retryPolicy(RetryPolicy) policy}, since nothing was answered);
         * the connection is closed. Redirects are timed hop by hop.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder responseHeadTimeout(Duration timeout) {
            this.responseHeadTimeout = Args.positive(timeout, "responseHeadTimeout");
            return this;
        }

        /**
         * An optional total deadline for one message, from {@link StreamingChat#send} to its end,
         * retries included (default: none). A server that keeps the body alive forever (a byte
         * or a comment now and then, so the idle timeout never fires) is cut off: the message
         * ends in {@code ERROR} with a {@link io.noa.realtime.ResponseTimeoutException} naming
         * this setting, keeping the content received so far, and the connection is closed. Never
         * retried.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Args.positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * How many finished messages {@link StreamingChat#messages()} keeps (default 1,000): when
         * one more finishes, the oldest finished message is dropped (as by
         * {@link StreamingChat#forget(String)}). Running messages are never dropped and do not
         * count. Handles ({@link ChatCall}) keep their own final snapshot.
         *
         * @param messages at least 0 (0 keeps only running messages)
         * @return this builder
         */
        public Builder maxRetainedMessages(int messages) {
            if (messages < 0) {
                throw new IllegalArgumentException("maxRetainedMessages must be >= 0, was " + messages);
            }
            this.maxRetainedMessages = messages;
            return this;
        }

        /**
         * How long to wait for a trailing usage or annotation chunk once every choice has a
         * finish reason, before completing without {@code [DONE]} (default 250 ms).
         *
         * @param grace zero or positive
         * @return this builder
         */
        public Builder completionGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("completionGrace must not be negative, was " + grace);
            }
            this.completionGrace = grace;
            return this;
        }

        /**
         * The chat API's wire format (default {@link Dialect#OPENAI_CHAT}): how requests are
         * encoded, which headers carry the {@link #apiKey(String) API key} ({@code Authorization:
         * Bearer} or Anthropic's {@code x-api-key} + {@code anthropic-version}), how the stream
         * decodes and which event ends it. A {@link #header(String, String) header} of the same
         * name replaces the dialect's (e.g. another {@code anthropic-version}).
         *
         * @param dialect e.g. {@link Dialect#ANTHROPIC_MESSAGES}
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The chunk decoder (by default the {@link #dialect(Dialect) dialect}'s;
         * {@link ChunkDecoder#openAi()} for the default dialect). One decoder set here serves
         * every stream of the client, so it must be thread-safe.
         *
         * @param decoder the decoder
         * @return this builder
         */
        public Builder decoder(ChunkDecoder decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        /**
         * The largest SSE event or line accepted (default 1 MiB), and the largest whole JSON
         * answer. A larger event or line ends the message in ERROR with a
         * {@link io.noa.realtime.LimitExceededException} whose setting is
         * {@code "StreamingChat.Builder.maxEventSize"}; it is not retried (the server has
         * answered).
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxEventSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxEventSize must be >= 1024, was " + bytes);
            }
            this.maxEventSize = bytes;
            return this;
        }

        /**
         * The largest answer kept per message, in characters (default 16 Mi): the text of the
         * content, reasoning and refusal, the tool calls' arguments and the other accumulated
         * parts together. A larger answer ends the message in {@code ERROR} with a
         * {@link io.noa.realtime.LimitExceededException} whose setting is
         * {@code "StreamingChat.Builder.maxMessageChars"}; it is not retried (the server has
         * answered). Bounds the memory of each message whatever the server sends.
         *
         * @param chars at least 1
         * @return this builder
         */
        public Builder maxMessageChars(long chars) {
            if (chars < 1) {
                throw new IllegalArgumentException("maxMessageChars must be >= 1, was " + chars);
            }
            this.maxMessageChars = chars;
            return this;
        }

        /**
         * A metrics listener: per request, connect start and end, the response head, the first
         * byte, the first token, each chunk, each retry scheduled and the end (see
         * {@link io.noa.realtime.ClientEventListener} for the order and the threads). Default
         * {@link io.noa.realtime.ClientEventListener#NONE}.
         *
         * @param listener the listener; its {@code subject} is the message id
         * @return this builder
         */
        public Builder eventListener(io.noa.realtime.ClientEventListener listener) {
            this.eventListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How many streams may run at once (default 256); one more is refused with
         * {@link LimitExceededException}.
         *
         * @param streams at least 1
         * @return this builder
         */
        public Builder maxConcurrentStreams(int streams) {
            if (streams < 1) {
                throw new IllegalArgumentException("maxConcurrentStreams must be >= 1, was " + streams);
            }
            this.maxConcurrentStreams = streams;
            return this;
        }

        /**
         * How many chunks a slow {@link #stream(ChatRequest)} subscriber may have queued before
         * the socket reads pause (default 256).
         *
         * @param chunks at least 1
         * @return this builder
         */
        public Builder maxQueuedChunks(int chunks) {
            if (chunks < 1) {
                throw new IllegalArgumentException("maxQueuedChunks must be >= 1, was " + chunks);
            }
            this.maxQueuedChunks = chunks;
            return this;
        }

        /**
         * Where listeners run; by default on the transport's I/O thread (do not block).
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The transport; by default {@link Transports#load()} (closed with the client).
         *
         * @param transport the transport (not closed by the client)
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the client
         */
        public StreamingChat build() {
            if (transport != null) {
                return new StreamingChat(this, transport, false);
            }
            return new StreamingChat(this, Transports.load(), true);
        }
    }
}
