package io.noa.realtime.chat;

import java.util.Arrays;

/**
 * The common chat chunk, read straight from an event's bytes without a chunk object graph: one
 * choice whose delta carries at most a role, content, reasoning or refusal text and (read by
 * {@link ChunkScanner} only) one tool-call fragment with an index, and a finish reason; the
 * chunk's repeated metadata ({@code id}, {@code model}, ...). The texts are copied
 * into buffers this holder keeps for the whole stream, so reading one costs no {@code String}.
 * One per chat stream, filled by {@link OpenAiChunkDecoder#readSimple} and folded by
 * {@link ChunkAccumulator#applySimple}; the stream's parser callbacks are serial. Not API.
 */
final class SimpleChunk {
    String id;
    String model;
    long created;
    String systemFingerprint;
    String serviceTier;
    /** The choice's index (its position, 0, when the chunk has none or an unusable one). */
    int index;
    /** The delta's role, {@code null} when absent or empty. */
    String role;
    /** The choice's finish reason, {@code null} when absent or empty. */
    String finishReason;
    final Text content = new Text();
    final Text reasoning = new Text();
    final Text refusal = new Text();
    /** Whether the delta has one tool-call fragment (with an index): the fields below. */
    boolean hasCall;
    int callIndex;
    /** The fragment's id, type and function name, {@code null} when absent or empty. */
    String callId;
    String callType;
    String callName;
    /** The fragment's arguments text (absent: nothing to append). */
    final Text callArguments = new Text();
    /** The scanner of {@link #scannerOf}, made on first use: it keeps a scratch buffer per stream. */
    ChunkScanner scanner;
    Object scannerOf;

    void clear() {
        id = null;
        model = null;
        created = -1;
        systemFingerprint = null;
        serviceTier = null;
        index = 0;
        role = null;
        finishReason = null;
        content.clear();
        reasoning.clear();
        refusal.clear();
        hasCall = false;
        callIndex = 0;
        callId = null;
        callType = null;
        callName = null;
        callArguments.clear();
    }

    /** One text of the delta: present or not, and its characters. */
    static final class Text {
        /** Longer texts are not kept in the buffer between events. */
        private static final int KEEP = 4096;

        char[] chars = new char[64];
        int length;
        boolean present;

        void clear() {
            present = false;
            length = 0;
            if (chars.length > KEEP) {
                chars = new char[64];
            }
        }

        void set(char[] from, int offset, int n) {
            if (n > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(n, chars.length * 2));
            }
            System.arraycopy(from, offset, chars, 0, n);
            length = n;
            present = true;
        }
    }
}
