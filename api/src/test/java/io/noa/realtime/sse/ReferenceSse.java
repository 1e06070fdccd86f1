package io.noa.realtime.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive, String-based reading of the WHATWG rules, used as the oracle for the
 * byte-level parser: decode the whole stream, split it into lines, interpret each line.
 * Only for streams whose invalid UTF-8 the JDK decoder replaces the WHATWG way.
 */
final class ReferenceSse {
    final List<Object> all = new ArrayList<>();
    String lastEventId = "";

    static ReferenceSse parse(byte[] stream) {
        ReferenceSse r = new ReferenceSse();
        String text = new String(stream, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String data = "";
        String type = "";
        String idBuffer = "";
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '\r' && c != '\n') {
                i++;
                continue;
            }
            String line = text.substring(start, i);
            i += (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') ? 2 : 1;
            start = i;
            if (line.isEmpty()) {
                r.lastEventId = idBuffer;
                if (data.isEmpty()) {
                    type = "";
                    continue;
                }
                if (data.endsWith("\n")) {
                    data = data.substring(0, data.length() - 1);
                }
                r.all.add(SseEvent.of(r.lastEventId, type.isEmpty() ? "message" : type, data));
                data = "";
                type = "";
                continue;
            }
            if (line.startsWith(":")) {
                String comment = line.substring(1);
                r.all.add("comment:" + (comment.startsWith(" ") ? comment.substring(1) : comment));
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (name) {
                case "data":
                    data = data + value + "\n";
                    break;
                case "event":
                    type = value;
                    break;
                case "id":
                    if (value.indexOf('\0') < 0) {
                        idBuffer = value;
                    }
                    break;
                case "retry":
                    if (!value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                        java.math.BigInteger v = new java.math.BigInteger(value);
                        r.all.add("retry:" + v.min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
                    }
                    break;
                default:
                    r.all.add("field:" + name + "=" + value);
                    break;
            }
        }
        return r;
    }
}
