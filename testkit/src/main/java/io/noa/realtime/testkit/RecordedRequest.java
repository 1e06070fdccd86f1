package io.noa.realtime.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as a testkit server received it: request line, headers and the complete body.
 * Immutable and thread-safe.
 */
public final class RecordedRequest {
    private final String method;
    private final String target;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final int sequenceNumber;
    private final int connectionId;

    RecordedRequest(String method, String target, Map<String, List<String>> headers, byte[] body,
            int sequenceNumber, int connectionId) {
        this.method = method;
        this.target = target;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = body.clone();
        this.sequenceNumber = sequenceNumber;
        this.connectionId = connectionId;
    }

    /**
     * The request method.
     *
     * @return e.g. {@code POST}
     */
    public String method() {
        return method;
    }

    /**
     * The path of the request target, without the query.
     *
     * @return e.g. {@code /v1/chat/completions}
     */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /**
     * The request target exactly as sent on the request line (path and query).
     *
     * @return e.g. {@code /v1/chat/completions?x=1}
     */
    public String target() {
        return target;
    }

    /**
     * The first value of a header, the name matched case-insensitively.
     *
     * @param name the header name
     * @return the value, or empty if the request had no such header
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * All values of a header, the name matched case-insensitively.
     *
     * @param name the header name
     * @return the values in the order received; empty if none
     */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT), List.of());
    }

    /**
     * All headers, names in lower case, in the order first received.
     *
     * @return an unmodifiable map from lower-case name to values
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The complete request body.
     *
     * @return a copy of the body bytes (empty when the request had none)
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The request body decoded as UTF-8.
     *
     * @return the body text
     */
    public String bodyUtf8() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The position of this request among all requests the server received, from 0.
     *
     * @return the sequence number
     */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /**
     * Which TCP connection carried this request: connections are numbered from 0 in the order
     * they were accepted, so two requests with the same id shared a kept-alive connection.
     *
     * @return the connection id
     */
    public int connectionId() {
        return connectionId;
    }

    /**
     * Headers as a list of {@code name: value} strings, for readable failure messages; the
     * {@code Authorization} value is masked.
     */
    @Override
    public String toString() {
        List<String> shown = new ArrayList<>();
        headers.forEach((k, v) -> shown.add(k + ": " + ("authorization".equals(k) ? "<redacted>" : String.join(", ", v))));
        return "RecordedRequest[" + method + " " + target + ", connection " + connectionId + ", headers " + shown
                + ", " + body.length + " body bytes]";
    }
}
