package io.noa.realtime.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next CR or LF byte, eight bytes at a time: SSE lines are mostly long JSON values, so
 * testing a word per step instead of a byte is worth it.
 */
final class LineEnds {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = ONES * '\n';
    private static final long CRS = ONES * '\r';

    private LineEnds() {}

    /** The index of the first CR or LF in {@code a[from, to)}, or -1. */
    static int find(byte[] a, int from, int to) {
        int i = from;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long word = (long) LONGS.get(a, i);
            long lf = word ^ LFS;
            long cr = word ^ CRS;
            // A byte of lf or cr is zero where word holds LF or CR. The lowest flagged byte is always
            // a true match (false flags only appear above a true one), and little-endian order makes
            // the lowest byte the first.
            long found = ((lf - ONES) & ~lf | (cr - ONES) & ~cr) & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
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
