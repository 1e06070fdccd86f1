package io.noa.realtime.transport.jdk;

import io.noa.realtime.LimitExceededException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Joins the parts {@code java.net.http.WebSocket} delivers into whole messages, bounded by
 * {@code maxWebSocketMessageSize} (counted in UTF-8 bytes for text). Used from the JDK's serial
 * listener calls only.
 */
final class MessageAssembler {
    private final int limit;
    private final StringBuilder text = new StringBuilder();
    private byte[] binary = new byte[0];
    private int binaryLength;
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
        text.append(part);
        if (!last) {
            inProgress = true;
            return Optional.empty();
        }
        String whole = text.toString();
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
        int n = part.remaining();
        grow(n);
        if (binaryLength + n > binary.length) {
            byte[] bigger = new byte[(int) Math.min(limit, Math.max(binaryLength + n, 2L * binary.length))];
            System.arraycopy(binary, 0, bigger, 0, binaryLength);
            binary = bigger;
        }
        part.get(binary, binaryLength, n);
        binaryLength += n;
        if (!last) {
            inProgress = true;
            return Optional.empty();
        }
        ByteBuffer whole = ByteBuffer.wrap(binary, 0, binaryLength).slice();
        binary = new byte[0];
        reset();
        return Optional.of(whole);
    }

    private void grow(long bytes) {
        size += bytes;
        if (size > limit) {
            reset();
            binary = new byte[0];
            throw new LimitExceededException("Incoming WebSocket message", "maxWebSocketMessageSize", limit);
        }
    }

    private void reset() {
        text.setLength(0);
        if (text.capacity() > 64 * 1024) {
            text.trimToSize();
        }
        binaryLength = 0;
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
