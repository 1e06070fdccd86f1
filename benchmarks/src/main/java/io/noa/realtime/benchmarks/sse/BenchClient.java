package io.noa.realtime.benchmarks.sse;

/**
 * One client under test: reads the server's whole stream once per {@link #run} and checks what it
 * got. A client that miscounts throws, so a wrong client never yields a figure.
 */
abstract class BenchClient implements AutoCloseable {
    /** What a client does with each event. */
    enum Kind {
        /** The upper bound: bytes from a plain socket, events counted by their blank lines. */
        BOUND("upper bound"),
        /** SSE parsing only: each event's data as a String, counted. */
        PARSE("parse-only"),
        /** Parse, decode each chunk's JSON and accumulate the assistant's text. */
        FULL("full");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    final String id;
    final String name;
    final Kind kind;
    final boolean ours;

    BenchClient(String id, String name, Kind kind, boolean ours) {
        this.id = id;
        this.name = name;
        this.kind = kind;
        this.ours = ours;
    }

    /**
     * Reads the whole stream once and verifies it.
     *
     * @param expected what a correct client ends with
     * @throws Exception any failure, including a wrong count or content ({@link IllegalStateException})
     */
    abstract void run(Expected expected) throws Exception;

    @Override
    public void close() {}

    /** Fails unless {@code got == want}. */
    final void checkCount(String what, long got, long want) {
        if (got != want) {
            throw new IllegalStateException(name + " counted " + got + " " + what + ", expected " + want);
        }
    }

    /** Fails unless the accumulated text is the stream's content. */
    final void checkContent(String got, Expected expected) {
        if (!expected.content().equals(got)) {
            throw new IllegalStateException(name + " accumulated " + got.length() + " chars that differ from the "
                    + expected.content().length() + " expected" + firstDifference(got, expected.content()));
        }
    }

    private static String firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return " (first difference at char " + i + ")";
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return name;
    }
}
