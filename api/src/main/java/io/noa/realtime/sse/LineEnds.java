package io.noa.realtime.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next CR or LF byte, eight bytes at a time: SSE lines are mostly long JSON values, so
 * testing a word per step instead of a byte is worth it.
 *
 * <p>Each word gets one test, "is any byte below {@code 0x0E}" (CR is {@code 0x0D}, LF {@code 0x0A}),
 * instead of one test for CR and one for LF; the rare other control byte that passes it (a tab in
 * the JSON, say) is sorted out by checking the rest of that word byte by byte.
 */
final class LineEnds {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long BELOW_0E = ONES * ('\r' + 1);

    private LineEnds() {}

    /** The index of the first CR or LF in {@code a[from, to)}, or -1. */
    static int find(byte[] a, int from, int to) {
        int i = from;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long word = (long) LONGS.get(a, i);
            // The high bit of a byte of "found" is set where word holds a byte below 0x0E, or above
            // such a byte through a borrow; the lowest flagged byte is always a true one, and
            // little-endian order makes it the first. Bytes from 0x80 up never flag (~word clears them).
            long found = (word - BELOW_0E) & ~word & HIGHS;
            if (found != 0) {
                for (int j = i + (Long.numberOfTrailingZeros(found) >>> 3), end = i + Long.BYTES; j < end; j++) {
                    byte b = a[j];
                    if (b == '\n' || b == '\r') {
                        return j;
                    }
                }
            }
        }
        for (; i < to; i++) {
            byte b = a[i];
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return -1;
    }
}
