package io.noa.realtime.spi;

import io.noa.realtime.internal.Redaction;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request whose response body is streamed. Immutable; build with {@link #builder(URI)}.
 *
 * <p>A transport MUST send exactly the method, headers and body given here (adding only
 * {@code Host}, {@code Content-Length} and what the HTTP/1.1 framing needs), MUST NOT follow
 * redirects (the api does, so that every transport follows them the same way), and MUST fail
 * with {@link io.noa.realtime.ConnectTimeoutException} when the connection is not established
 * within {@link #connectTimeout()}.
 */
public final class StreamingRequest {
    private final URI uri;
    private final String method;
    private final Headers headers;
    private final byte[] body;
    private final Duration connectTimeout;

    private StreamingRequest(Builder b) {
        this.uri = b.uri;
        this.method = b.method;
        this.headers = b.headers.build();
        this.body = b.body;
        this.connectTimeout = b.connectTimeout;
    }

    /**
     * A builder for a GET of {@code uri}.
     *
     * @param uri an absolute {@code http} or {@code https} URI
     * @return a new builder
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * A builder holding this request's values.
     *
     * @return a builder to derive a variant (for a retry or a redirect)
     */
    public Builder toBuilder() {
        Builder b = new Builder(uri);
        b.method = method;
        b.headers = headers.toBuilder();
        b.body = body;
        b.connectTimeout = connectTimeout;
        return b;
    }

    /**
     * The target.
     *
     * @return the absolute URI
     */
    public URI uri() {
        return uri;
    }

    /**
     * The method, upper case.
     *
     * @return e.g. {@code GET} or {@code POST}
     */
    public String method() {
        return method;
    }

    /**
     * The headers to send.
     *
     * @return the headers
     */
    public Headers headers() {
        return headers;
    }

    /**
     * The request body. The returned array is shared: callers MUST NOT modify it.
     *
     * @return the body, if any
     */
    public Optional<byte[]> body() {
        return Optional.ofNullable(body);
    }

    /**
     * How long the transport may take to establish the connection (TCP and TLS).
     *
     * @return the connect timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public String toString() {
        return "StreamingRequest{" + method + ' ' + Redaction.url(uri) + ", headers=" + headers
                + (body == null ? "" : ", body=" + body.length + " bytes") + '}';
    }

    /** Builds a {@link StreamingRequest}. Not thread-safe. */
    public static final class Builder {
        private URI uri;
        private String method = "GET";
        private Headers.Builder headers = Headers.builder();
        private byte[] body;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(URI uri) {
            uri(uri);
        }

        /**
         * The target.
         *
         * @param uri an absolute {@code http} or {@code https} URI
         * @return this builder
         */
        public Builder uri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("uri must be an absolute http or https URI, was " + Redaction.url(uri));
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("uri has no host: " + Redaction.url(uri));
            }
            this.uri = uri;
            return this;
        }

        /**
         * The method.
         *
         * @param method an HTTP method token
         * @return this builder
         */
        public Builder method(String method) {
            Objects.requireNonNull(method, "method");
            if (method.isEmpty() || !method.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                throw new IllegalArgumentException("invalid HTTP method '" + method + "'");
            }
            this.method = method.toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * Adds a header.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Replaces all headers.
         *
         * @param headers the headers
         * @return this builder
         */
        public Builder headers(Headers headers) {
            this.headers = Objects.requireNonNull(headers, "headers").toBuilder();
            return this;
        }

        /**
         * The body; the array is not copied and MUST NOT be modified afterwards.
         *
         * @param body the bytes, or {@code null} for none
         * @return this builder
         */
        public Builder body(byte[] body) {
            this.body = body;
            return this;
        }

        /**
         * The connect timeout (default 10 s).
         *
         * @param connectTimeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            if (connectTimeout.isZero() || connectTimeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the immutable request
         */
        public StreamingRequest build() {
            return new StreamingRequest(this);
        }
    }
}
