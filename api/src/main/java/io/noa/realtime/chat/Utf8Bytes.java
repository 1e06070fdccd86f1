package io.noa.realtime.chat;

/**
 * Byte checks of the chat decoders' byte path. Not API.
 */
final class Utf8Bytes {
    /** Eight bytes at a time: the ASCII scan is most of the check and chat JSON is mostly ASCII. */
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Bytes() {}

    /**
     * Whether the bytes are well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing
     * above U+10FFFF): exactly the input on which every UTF-8 decoder agrees, so that Jackson
     * reading the bytes sees the text the SSE layer's decoder would have made.
     */
    static boolean isWellFormed(byte[] a, int offset, int end) {
        int i = offset;
        while (i < end) {
            if (end - i >= 8 && ((long) LONGS.get(a, i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            int b = a[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            if (b < 0xC2) {
                return false;
            } else if (b < 0xE0) {
                if (i + 1 >= end || (a[i + 1] & 0xC0) != 0x80) {
                    return false;
                }
                i += 2;
            } else if (b < 0xF0) {
                if (i + 2 >= end) {
                    return false;
                }
                int b1 = a[i + 1] & 0xFF;
                int lo = b == 0xE0 ? 0xA0 : 0x80;
                int hi = b == 0xED ? 0x9F : 0xBF;
                if (b1 < lo || b1 > hi || (a[i + 2] & 0xC0) != 0x80) {
                    return false;
                }
                i += 3;
            } else if (b < 0xF5) {
                if (i + 3 >= end) {
                    return false;
                }
                int b1 = a[i + 1] & 0xFF;
                int lo = b == 0xF0 ? 0x90 : 0x80;
                int hi = b == 0xF4 ? 0x8F : 0xBF;
                if (b1 < lo || b1 > hi || (a[i + 2] & 0xC0) != 0x80 || (a[i + 3] & 0xC0) != 0x80) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    /** The index of the first byte at or after {@code i} that is not JSON white space. */
    static int skipJsonWhitespace(byte[] a, int i, int end) {
        while (i < end) {
            byte b = a[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return i;
            }
            i++;
        }
        return end;
    }

    /** Whether a byte is white space for {@link String#strip()} (ASCII bytes only). */
    static boolean isAsciiWhitespace(byte b) {
        return b >= 0 && Character.isWhitespace((char) b);
    }
}
