package io.noa.realtime.sse;

/** Finds the next CR or LF byte. */
final class LineEnds {
    private LineEnds() {}

    /**
     * The index of the first CR or LF in {@code a[from, to)}, or -1.
     */
    static int find(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = a[i];
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return -1;
    }
}
