package io.noa.realtime.internal;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding with the WHATWG Encoding standard's error handling: each maximal invalid
 * subsequence becomes one U+FFFD.
 *
 * <p>The JDK decoder agrees with WHATWG on valid input and on most invalid input, but not on
 * every case (it reports an encoded surrogate such as {@code ED A0 80} as one U+FFFD where WHATWG
 * gives three). So the JDK does the fast common work and, only when its result contains a
 * U+FFFD, the bytes are decoded again by the exact algorithm.
 *
 * <p>Shared by the SSE parser and the chat decoders, so that a chat event decoded from bytes and
 * one decoded from a {@code String} see the same text. Not API.
 */
public final class Utf8 {
    private static final char REPLACEMENT = '\uFFFD';

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
        String fast = new String(bytes, offset, length, StandardCharsets.UTF_8);
        // A Latin-1-coded (e.g. pure ASCII) string answers this at once without scanning.
        if (fast.indexOf(REPLACEMENT) < 0) {
            return fast;
        }
        return decodeExactly(bytes, offset, length);
    }

    /** The UTF-8 decoder of the WHATWG Encoding standard, section "UTF-8 decoder". */
    static String decodeExactly(byte[] bytes, int offset, int length) {
        char[] out = new char[length];
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
