package io.noa.realtime.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records everything a parser reports, in order. */
final class Recorder implements SseParser.Handler {
    final List<SseEvent> events = new ArrayList<>();
    final List<String> comments = new ArrayList<>();
    final List<Long> retries = new ArrayList<>();
    final List<String> fields = new ArrayList<>();
    /** Every callback in order: events as SseEvent, the rest as tagged strings. */
    final List<Object> all = new ArrayList<>();

    @Override
    public void onEvent(SseEvent event) {
        events.add(event);
        all.add(event);
    }

    @Override
    public void onComment(String comment) {
        comments.add(comment);
        all.add("comment:" + comment);
    }

    @Override
    public void onRetry(long millis) {
        retries.add(millis);
        all.add("retry:" + millis);
    }

    @Override
    public void onField(String name, String value) {
        fields.add(name + "=" + value);
        all.add("field:" + name + "=" + value);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
