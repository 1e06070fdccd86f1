package io.noa.realtime.sse;

/** Recognises SSE field names by their bytes and checks field values, without decoding. */
final class Fields {
    static final int OTHER = 0;
    static final int DATA = 1;
    static final int EVENT = 2;
    static final int ID = 3;
    static final int RETRY = 4;

    private Fields() {}

    /** Which field {@code a[off, off + len)} names; names are case-sensitive. */
    static int kind(byte[] a, int off, int len) {
        switch (len) {
            case 2:
                return a[off] == 'i' && a[off + 1] == 'd' ? ID : OTHER;
            case 4:
                return a[off] == 'd' && a[off + 1] == 'a' && a[off + 2] == 't' && a[off + 3] == 'a' ? DATA : OTHER;
            case 5:
                if (a[off] == 'e' && a[off + 1] == 'v' && a[off + 2] == 'e' && a[off + 3] == 'n' && a[off + 4] == 't') {
                    return EVENT;
                }
                if (a[off] == 'r' && a[off + 1] == 'e' && a[off + 2] == 't' && a[off + 3] == 'r' && a[off + 4] == 'y') {
                    return RETRY;
                }
                return OTHER;
            default:
                return OTHER;
        }
    }

    /** Whether the value holds a NUL byte (in UTF-8 only U+0000 encodes as a zero byte). */
    static boolean containsNul(byte[] a, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (a[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The retry value if it is one or more ASCII digits (saturating at {@link Long#MAX_VALUE}),
     * otherwise -1.
     */
    static long parseRetry(byte[] a, int off, int len) {
        if (len == 0) {
            return -1;
        }
        long value = 0;
        for (int i = off, end = off + len; i < end; i++) {
            int digit = a[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            if (value > (Long.MAX_VALUE - digit) / 10) {
                value = Long.MAX_VALUE;
            } else {
                value = value * 10 + digit;
            }
        }
        return value;
    }
}
