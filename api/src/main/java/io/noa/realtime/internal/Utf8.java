package io.noa.realtime.internal;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding with the WHATWG Encoding standard's error handling: each maximal invalid
 * subsequence becomes one U+FFFD.
 *
 * <p>The JDK decoder agrees with WHATWG on valid input and on most invalid input, but not on
 * every case (it reports an encoded surrogate such as {@code ED A0 80} as one U+FFFD where WHATWG
 * gives three). So ASCII bytes (most of every SSE stream) are copied into a Latin-1 string as
 * they are, and anything else is decoded by the exact algorithm into a scratch array the thread
 * keeps, then copied once into the string: the JDK's own decoder would allocate a guess and its
 * trimmed copy for every non-ASCII event.
 *
 * <p>Shared by the SSE parser and the chat decoders, so that a chat event decoded from bytes and
 * one decoded from a {@code String} see the same text. Not API.
 */
public final class Utf8 {
    private static final char REPLACEMENT = '\uFFFD';
    /** Eight bytes at a time: the ASCII scan is the whole work for most events. */
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Longest scratch array a thread keeps (in chars); longer texts get a fresh one. */
    private static final int KEEP = 16 * 1024;
    private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[256]);

    private Utf8() {}

    /**
     * Decodes UTF-8 bytes, each maximal invalid subsequence becoming one U+FFFD.
     *
     * @param bytes the array
     * @param offset where the bytes start
     * @param length how many bytes
     * @return the text
     */
    public static String decode(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return "";
        }
        int end = offset + length;
        int i = offset;
        while (end - i >= 8 && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
            i += 8;
        }
        while (i < end && bytes[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1); // ASCII: one exact copy
        }
        return decodeExactly(bytes, offset, length);
    }

    /** The UTF-8 decoder of the WHATWG Encoding standard, section "UTF-8 decoder". */
    static String decodeExactly(byte[] bytes, int offset, int length) {
        // at most one char per byte (two chars need four bytes)
        char[] out = SCRATCH.get();
        if (out.length < length) {
            out = new char[Math.max(length, out.length * 2)];
            if (out.length <= KEEP) {
                SCRATCH.set(out);
            }
        }
        int n = 0;
        int needed = 0;
        int seen = 0;
        int codePoint = 0;
        int lower = 0x80;
        int upper = 0xBF;
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i] & 0xFF;
            if (needed == 0) {
                i++;
                if (b <= 0x7F) {
                    out[n++] = (char) b;
                } else if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                    codePoint = b & 0x1F;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    if (b == 0xE0) {
                        lower = 0xA0;
                    } else if (b == 0xED) {
                        upper = 0x9F;
                    }
                    needed = 2;
                    codePoint = b & 0x0F;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    if (b == 0xF0) {
                        lower = 0x90;
                    } else if (b == 0xF4) {
                        upper = 0x8F;
                    }
                    needed = 3;
                    codePoint = b & 0x07;
                } else {
                    out[n++] = REPLACEMENT;
                }
                continue;
            }
            if (b < lower || b > upper) {
                // The sequence so far is one error; the byte is examined again as a new start.
                needed = 0;
                seen = 0;
                codePoint = 0;
                lower = 0x80;
                upper = 0xBF;
                out[n++] = REPLACEMENT;
                continue;
            }
            i++;
            lower = 0x80;
            upper = 0xBF;
            codePoint = (codePoint << 6) | (b & 0x3F);
            seen++;
            if (seen == needed) {
                // At most 2 chars for at least 4 bytes, or 1 char per byte: out never overflows.
                n += Character.toChars(codePoint, out, n);
                needed = 0;
                seen = 0;
                codePoint = 0;
            }
        }
        if (needed != 0) {
            out[n++] = REPLACEMENT;
        }
        return new String(out, 0, n);
    }
}
