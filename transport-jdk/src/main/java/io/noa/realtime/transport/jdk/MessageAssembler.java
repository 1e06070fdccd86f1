package io.noa.realtime.transport.jdk;

import io.noa.realtime.LimitExceededException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Joins the parts {@code java.net.http.WebSocket} delivers into whole messages, bounded by
 * {@code maxWebSocketMessageSize} (counted in UTF-8 bytes for text). Used from the JDK's serial
 * listener calls only.
 *
 * <p>The limit holds before memory is spent: parts are gathered in 64 KiB chunks (no buffer that
 * doubles past what was received, no per-fragment overhead) and joined once, at the exact size,
 * when the last part arrives; a part that would cross the limit is refused before it is copied. So a message costs about its own
 * size while it arrives (twice that at the moment it is joined), and a frame that claims 100 MB
 * is refused after {@code limit} bytes, not after the heap ran out.
 */
final class MessageAssembler {
    private final int limit;
    /** Parts are gathered into chunks of this many chars (or bytes), so tiny fragments cost no per-part overhead. */
    private static final int CHUNK = 64 * 1024;

    private final List<String> textParts = new ArrayList<>();
    private final StringBuilder textChunk = new StringBuilder();
    private final List<byte[]> binaryParts = new ArrayList<>();
    private byte[] binaryChunk;
    private int binaryChunkLength;
    private long size;
    private boolean inProgress;

    MessageAssembler(int limit) {
        this.limit = limit;
    }

    /** Whether a message has started and not yet ended. */
    boolean inProgress() {
        return inProgress;
    }

    /**
     * Adds a text part.
     *
     * @return the whole message when {@code last}
     * @throws LimitExceededException when the message grows past the limit
     */
    Optional<String> text(CharSequence part, boolean last) {
        grow(utf8Length(part));
        textChunk.append(part);
        if (textChunk.length() >= CHUNK || last && !textParts.isEmpty()) {
            textParts.add(textChunk.toString());
            textChunk.setLength(0);
        }
        if (!last) {
            inProgress = true;
            return Optional.empty();
        }
        String whole = textParts.isEmpty() ? textChunk.toString() : String.join("", textParts);
        reset();
        return Optional.of(whole);
    }

    /**
     * Adds a binary part.
     *
     * @return the whole message (a private copy) when {@code last}
     * @throws LimitExceededException when the message grows past the limit
     */
    Optional<ByteBuffer> binary(ByteBuffer part, boolean last) {
        grow(part.remaining());
        while (part.hasRemaining()) {
            if (binaryChunk == null) {
                binaryChunk = new byte[Math.min(CHUNK, limit)];
                binaryChunkLength = 0;
            }
            int n = Math.min(part.remaining(), binaryChunk.length - binaryChunkLength);
            part.get(binaryChunk, binaryChunkLength, n);
            binaryChunkLength += n;
            if (binaryChunkLength == binaryChunk.length) {
                binaryParts.add(binaryChunk);
                binaryChunk = null;
            }
        }
        if (!last) {
            inProgress = true;
            return Optional.empty();
        }
        byte[] whole = new byte[(int) size];
        int at = 0;
        for (byte[] b : binaryParts) {
            System.arraycopy(b, 0, whole, at, b.length);
            at += b.length;
        }
        if (binaryChunk != null) {
            System.arraycopy(binaryChunk, 0, whole, at, binaryChunkLength);
        }
        reset();
        return Optional.of(ByteBuffer.wrap(whole));
    }

    private void grow(long bytes) {
        if (size + bytes > limit) {
            reset();
            throw new LimitExceededException("Incoming WebSocket message", "maxWebSocketMessageSize", limit);
        }
        size += bytes;
    }

    private void reset() {
        textParts.clear();
        textChunk.setLength(0);
        if (textChunk.capacity() > 2 * CHUNK) {
            textChunk.trimToSize();
        }
        binaryParts.clear();
        binaryChunk = null;
        binaryChunkLength = 0;
        size = 0;
        inProgress = false;
    }

    /** The UTF-8 length of valid UTF-16 text (each surrogate counts 2, a pair 4). */
    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                n += 2;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
