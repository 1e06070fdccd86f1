package io.noa.realtime.spi;

import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Settings every transport honours. Immutable; build with {@link #builder()}.
 */
public final class TransportOptions {
    private static final TransportOptions DEFAULTS = builder().build();

    private final SSLContext sslContext;
    private final int maxWebSocketMessageSize;

    private TransportOptions(Builder b) {
        this.sslContext = b.sslContext;
        this.maxWebSocketMessageSize = b.maxWebSocketMessageSize;
    }

    /**
     * The defaults: the JVM's default TLS trust, 16 MiB WebSocket messages.
     *
     * @return default options
     */
    public static TransportOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A new builder with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The TLS context for {@code https} and {@code wss}. When empty the transport MUST use the
     * JVM's default trust. Either way the transport MUST verify the server certificate and the
     * host name.
     *
     * @return the configured context, if any
     */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /**
     * The largest WebSocket message (after aggregating fragments) the transport accepts. A larger
     * incoming message MUST end the session with close code 1009 (or 1008 where the platform
     * refuses to let a client send 1009, as {@code java.net.http.WebSocket} does) and an
     * {@link io.noa.realtime.LimitExceededException} to the listener's {@code onError}. The same
     * bound applies to outgoing messages: a larger {@link WebSocketSession#sendText} or
     * {@link WebSocketSession#sendBinary} is not sent and its future fails with a
     * {@link io.noa.realtime.LimitExceededException} (the session stays open).
     *
     * @return the limit in bytes
     */
    public int maxWebSocketMessageSize() {
        return maxWebSocketMessageSize;
    }

    @Override
    public String toString() {
        return "TransportOptions{sslContext=" + (sslContext == null ? "default" : "custom")
                + ", maxWebSocketMessageSize=" + maxWebSocketMessageSize + '}';
    }

    /** Builds {@link TransportOptions}. Not thread-safe. */
    public static final class Builder {
        private SSLContext sslContext;
        private int maxWebSocketMessageSize = 16 * 1024 * 1024;

        private Builder() {}

        /**
         * A TLS context, e.g. one that trusts a private CA.
         *
         * @param sslContext the context
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * The largest WebSocket message, incoming or outgoing.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxWebSocketMessageSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxWebSocketMessageSize must be >= 1024, was " + bytes);
            }
            this.maxWebSocketMessageSize = bytes;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public TransportOptions build() {
            return new TransportOptions(this);
        }
    }
}
