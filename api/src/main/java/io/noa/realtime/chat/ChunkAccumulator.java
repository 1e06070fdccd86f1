package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import io.noa.realtime.LimitExceededException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Folds the {@link StreamChunk}s of one streamed response into {@link StreamingMessage} snapshots.
 *
 * <p>Accumulation is by field, never by chunk type: every chunk is treated alike. Content, reasoning
 * ({@code reasoning_content} or {@code reasoning}), refusal, tool-call arguments, logprobs and
 * annotations are appended per choice; the last non-null usage wins wherever it rides; finish reasons
 * are recorded and may be followed by further chunks (usage, filter results); the first non-empty
 * {@code id}/{@code model}/{@code created} wins; an error chunk ends the stream in state
 * {@link StreamingMessage.State#ERROR} with the partial content kept.
 *
 * <p><b>Not thread-safe.</b> One accumulator serves one stream; callers serialize calls to it (the
 * stream delivers chunks serially anyway). The snapshots it returns are immutable and may be handed to
 * any thread.
 *
 * <p><b>Cost.</b> Texts are kept in append-only buffers; a snapshot shares their frozen prefixes, so
 * {@link #accept(StreamChunk)} costs O(size of the chunk + number of choices and tool calls) and never
 * copies the text accumulated so far. A snapshot's strings are built the first time they are read (one
 * copy per text, memoised). {@link #snapshot()} returns the same object until something changes.
 *
 * <p><b>Bounds.</b> The accumulated size (characters of all texts plus a fixed charge per choice, tool
 * call, logprob entry and annotation) is bounded by {@code maxMessageChars}; exceeding it throws
 * {@link LimitExceededException} from {@link #accept(StreamChunk)} (the chunk may then be partly
 * applied; the caller should {@link #fail(Throwable)} the message).
 *
 * <p>After the message reached a terminal state ({@code COMPLETED}, {@code ERROR}, {@code CANCELLED},
 * {@code TRUNCATED}) further calls change nothing and return the final snapshot, with one
 * exception: after an error chunk, and until {@link #complete()}, {@link #endOfInput()},
 * {@link #fail(Throwable)} or {@link #cancel()}, a chunk's usage is still taken.
 */
public final class ChunkAccumulator {
    /** The default bound of {@code maxMessageChars}: 16 Mi characters. */
    public static final long DEFAULT_MAX_MESSAGE_CHARS = 16L * 1024 * 1024;

    private final String messageId;
    private final Budget budget;
    private String responseId;
    private String model;
    private long created = -1;
    private String systemFingerprint;
    private String serviceTier;
    private StreamingMessage.Meta meta = StreamingMessage.Meta.EMPTY;
    private final TreeMap<Integer, ChoiceAccumulator> choices = new TreeMap<>();
    private ChoiceAccumulator first; // the only one while choices.size() == 1
    private final Map<String, JsonNode> extras = new LinkedHashMap<>();
    private Usage usage;
    private ErrorDetail error;
    /** Cuts the request's secrets out of a server's error texts; identity unless the owner sets one. */
    private java.util.function.UnaryOperator<String> redactor = java.util.function.UnaryOperator.identity();
    private Throwable failure;
    private StreamingMessage.State state = StreamingMessage.State.STREAMING;
    private int chunkCount;
    /** The stream ended ({@link #complete()}, {@link #endOfInput()}, ...): nothing changes any more. */
    private boolean ended;
    private StreamingMessage snapshot;

    /**
     * Creates an accumulator with the default size bound.
     *
     * @param messageId the SDK's id of the message, reported by {@link StreamingMessage#id()}
     */
    public ChunkAccumulator(String messageId) {
        this(messageId, DEFAULT_MAX_MESSAGE_CHARS);
    }

    /**
     * Creates an accumulator.
     *
     * @param messageId the SDK's id of the message, reported by {@link StreamingMessage#id()}
     * @param maxMessageChars the bound of the accumulated size, {@code > 0}
     */
    public ChunkAccumulator(String messageId, long maxMessageChars) {
        this(messageId, maxMessageChars, "maxMessageChars");
    }

    /**
     * Creates an accumulator whose limit error names {@code setting}, the owner's public setting
     * of the bound (e.g. {@code "StreamingChat.Builder.maxMessageChars"}).
     */
    ChunkAccumulator(String messageId, long maxMessageChars, String setting) {
        this.messageId = Objects.requireNonNull(messageId, "messageId");
        if (maxMessageChars <= 0) {
            throw new IllegalArgumentException("maxMessageChars must be > 0: " + maxMessageChars);
        }
        this.budget = new Budget(maxMessageChars, Objects.requireNonNull(setting, "setting"));
    }

    /**
     * Applies one chunk.
     *
     * @param chunk the decoded chunk
     * @return the new snapshot
     * @throws LimitExceededException if the message grows beyond {@code maxMessageChars}
     */
    public StreamingMessage accept(StreamChunk chunk) {
        apply(chunk);
        return snapshot();
    }

    /**
     * Applies one chunk without building a snapshot: the chat stream's path when nobody wants a
     * snapshot per chunk ({@link #snapshot()} builds one later, on demand).
     *
     * @param chunk the decoded chunk
     * @throws LimitExceededException if the message grows beyond {@code maxMessageChars}
     */
    void apply(StreamChunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        if (state != StreamingMessage.State.STREAMING) {
            afterEnd(chunk);
            return;
        }
        snapshot = null;
        chunkCount++;
        acceptMeta(chunk);
        mergeExtras(extras, chunk.extras());
        Usage u = chunk.usage().orElse(null);
        if (u != null) {
            usage = u;
        }
        List<Choice> list = chunk.choices();
        for (int i = 0; i < list.size(); i++) {
            Choice c = list.get(i);
            OptionalInt ci = c.index();
            choice(ci.isPresent() ? ci.getAsInt() : i).apply(c);
        }
        if (chunk.error().isPresent()) {
            error = redacted(chunk.error().get());
            state = StreamingMessage.State.ERROR;
        }
    }

    /**
     * The same as {@link #apply(StreamChunk)} for the common chunk read without a chunk object
     * ({@link SimpleChunk}: one choice, no usage, error or extras): metadata, then the choice.
     *
     * @param chunk the chunk, valid during the call
     * @throws LimitExceededException if the message grows beyond {@code maxMessageChars}
     */
    void applySimple(SimpleChunk chunk) {
        if (state != StreamingMessage.State.STREAMING) {
            return; // afterEnd(...) would only take a usage, which a simple chunk has not
        }
        snapshot = null;
        chunkCount++;
        acceptMeta(chunk.id, chunk.model, chunk.created, chunk.systemFingerprint, chunk.serviceTier);
        int index = chunk.index;
        (first != null && first.index() == index ? first : choice(index)).applySimple(chunk);
    }

    /** The accumulator of choice {@code index}, created (and charged to the budget) on first sight. */
    private ChoiceAccumulator choice(int index) {
        ChoiceAccumulator acc = choices.get(index);
        if (acc == null) {
            budget.charge(ChoiceAccumulator.ITEM_COST * 8L);
            acc = new ChoiceAccumulator(index, budget);
            choices.put(index, acc);
            if (first == null) {
                first = acc;
            }
        }
        return acc;
    }

    /**
     * After an error chunk, a later usage is still kept (servers report what the failed request
     * cost after the error); content and everything else stays dropped.
     */
    private void afterEnd(StreamChunk chunk) {
        Usage u = chunk.usage().orElse(null);
        if (u != null && state == StreamingMessage.State.ERROR && error != null && failure == null && !ended) {
            usage = u;
            snapshot = null;
        }
    }

    /**
     * Sets what cuts the request's secret values out of the server's error texts (a server or
     * proxy may echo the request in an error event of a 2xx stream). The chat stream sets it.
     *
     * @param redactor the redactor
     */
    void redactWith(java.util.function.UnaryOperator<String> redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    private ErrorDetail redacted(ErrorDetail e) {
        String message = redactor.apply(e.message());
        String type = e.type().map(redactor).orElse(null);
        String code = e.code().map(redactor).orElse(null);
        String param = e.param().map(redactor).orElse(null);
        if (message.equals(e.message()) && Objects.equals(type, e.type().orElse(null))
                && Objects.equals(code, e.code().orElse(null)) && Objects.equals(param, e.param().orElse(null))) {
            return e;
        }
        return ErrorDetail.of(message, type, code, param);
    }

    private void acceptMeta(StreamChunk chunk) {
        // each Optional only while the field is still unset: none per chunk once all are known
        boolean changed = false;
        if (responseId == null && chunk.id().isPresent()) {
            responseId = chunk.id().get();
            changed = true;
        }
        if (model == null && chunk.model().isPresent()) {
            model = chunk.model().get();
            changed = true;
        }
        if (created <= 0 && chunk.created().isPresent()) {
            created = chunk.created().getAsLong();
            changed = true;
        }
        if (systemFingerprint == null && chunk.systemFingerprint().isPresent()) {
            systemFingerprint = chunk.systemFingerprint().get();
            changed = true;
        }
        if (serviceTier == null && chunk.serviceTier().isPresent()) {
            serviceTier = chunk.serviceTier().get();
            changed = true;
        }
        if (changed) {
            meta = new StreamingMessage.Meta(responseId, model, created, systemFingerprint, serviceTier);
        }
    }

    /** {@link #acceptMeta(StreamChunk)} for plain values ({@code null} and {@code created <= 0}: absent). */
    private void acceptMeta(String id, String model, long created, String fingerprint, String tier) {
        boolean changed = false;
        if (this.responseId == null && id != null) {
            this.responseId = id;
            changed = true;
        }
        if (this.model == null && model != null) {
            this.model = model;
            changed = true;
        }
        if (this.created <= 0 && created > 0) {
            this.created = created;
            changed = true;
        }
        if (this.systemFingerprint == null && fingerprint != null) {
            this.systemFingerprint = fingerprint;
            changed = true;
        }
        if (this.serviceTier == null && tier != null) {
            this.serviceTier = tier;
            changed = true;
        }
        if (changed) {
            meta = new StreamingMessage.Meta(this.responseId, this.model, this.created, this.systemFingerprint,
                    this.serviceTier);
        }
    }

    /** Later values win, except that {@code null} and empty objects or arrays never replace a value. */
    static void mergeExtras(Map<String, JsonNode> into, Map<String, JsonNode> from) {
        if (from.isEmpty()) {
            return; // the usual case: no entry-set iterator per chunk
        }
        for (Map.Entry<String, JsonNode> e : from.entrySet()) {
            JsonNode v = e.getValue();
            boolean empty = v.isNull() || (v.isContainerNode() && v.isEmpty());
            if (!empty || !into.containsKey(e.getKey())) {
                into.put(e.getKey(), v);
            }
        }
    }

    /**
     * Whether every choice seen so far has a finish reason (and at least one was seen). A stream may
     * still deliver usage or filter chunks after that; callers give it a short grace period, then
     * {@link #complete()}.
     *
     * @return {@code true} when all choices finished
     */
    public boolean allChoicesFinished() {
        if (choices.isEmpty()) {
            return false;
        }
        if (choices.size() == 1) {
            return first.isFinished(); // the common case: no iterator per event
        }
        for (ChoiceAccumulator c : choices.values()) {
            if (!c.isFinished()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The stream ended normally ({@code [DONE]} or a terminal event): {@code COMPLETED}, or
     * {@code ERROR} if an error chunk was seen.
     *
     * @return the final snapshot
     */
    public StreamingMessage complete() {
        return end(error != null ? StreamingMessage.State.ERROR : StreamingMessage.State.COMPLETED, null);
    }

    /**
     * The input ended (EOF) without {@code [DONE]}: {@code ERROR} if an error chunk was seen,
     * {@code COMPLETED} if every choice finished, otherwise {@code TRUNCATED} (partial content kept; the
     * request may be retried).
     *
     * @return the final snapshot
     */
    public StreamingMessage endOfInput() {
        StreamingMessage.State s = error != null ? StreamingMessage.State.ERROR
                : allChoicesFinished() ? StreamingMessage.State.COMPLETED : StreamingMessage.State.TRUNCATED;
        return end(s, null);
    }

    /**
     * The transport or the HTTP exchange failed: {@code ERROR}, partial content kept.
     *
     * @param cause the failure, reported by {@link StreamingMessage#failure()}
     * @return the final snapshot
     */
    public StreamingMessage fail(Throwable cause) {
        return end(StreamingMessage.State.ERROR, Objects.requireNonNull(cause, "cause"));
    }

    /**
     * The caller cancelled the stream: {@code CANCELLED}, partial content kept.
     *
     * @return the final snapshot
     */
    public StreamingMessage cancel() {
        return end(StreamingMessage.State.CANCELLED, null);
    }

    private StreamingMessage end(StreamingMessage.State to, Throwable cause) {
        if (state == StreamingMessage.State.STREAMING) {
            state = to;
            failure = cause;
            snapshot = null;
        }
        ended = true;
        return snapshot();
    }

    /**
     * The current snapshot; the same object until something changes.
     *
     * @return the snapshot
     */
    public StreamingMessage snapshot() {
        StreamingMessage s = snapshot;
        if (s == null) {
            List<StreamingMessage.ChoiceState> list;
            if (choices.isEmpty()) {
                list = List.of();
            } else if (choices.size() == 1) {
                list = List.of(first.snapshot()); // the common case: no iterator, no copy
            } else {
                List<StreamingMessage.ChoiceState> all = new ArrayList<>(choices.size());
                for (ChoiceAccumulator c : choices.values()) {
                    all.add(c.snapshot());
                }
                list = List.copyOf(all);
            }
            s = new StreamingMessage(messageId, meta, state, list, usage, error, failure,
                    ChatJson.copy(extras), chunkCount);
            snapshot = s;
        }
        return s;
    }

    /** The size bound shared by all choices of one message. */
    static final class Budget {
        private final long max;
        private final String setting;
        private long used;

        Budget(long max, String setting) {
            this.max = max;
            this.setting = setting;
        }

        void charge(long n) {
            if (used + n > max) {
                throw new LimitExceededException("streamed chat message", setting, max);
            }
            used += n;
        }
    }
}
