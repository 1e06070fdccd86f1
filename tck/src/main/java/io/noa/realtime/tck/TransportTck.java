package io.noa.realtime.tck;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import org.junit.jupiter.api.Nested;

/**
 * The whole transport contract suite in one class. A transport module runs all of it with a
 * subclass of a few lines:
 *
 * <!-- snippet: transport-jdk/src/test/java/io/noa/realtime/transport/jdk/JdkTransportTckTest.java#tck -->
 * <pre>{@code
 * class JdkTransportTckTest extends TransportTck {
 *     @Override
 *     protected Transport transport() {
 *         return JdkTransport.create();
 *     }
 * }
 * }</pre>
 *
 * <p>Each group of contracts is a {@link Nested} class that delegates its factory hook to this
 * class, so the report shows the groups separately. {@link #transport(TransportOptions)} looks the
 * transport up through {@code ServiceLoader} by name unless overridden.
 */
public abstract class TransportTck {
    /** For subclasses. */
    protected TransportTck() {}

    /**
     * The factory hook: a new transport with default options.
     *
     * @return a new transport instance; the suite closes it
     */
    protected abstract Transport transport();

    /**
     * A new transport with the given options; by default found through
     * {@link io.noa.realtime.spi.Transports#load(String, TransportOptions)} by the name of
     * {@link #transport()}.
     *
     * @param options the options
     * @return a new transport instance; the suite closes it
     */
    protected Transport transport(TransportOptions options) {
        try (Transport probe = transport()) {
            return io.noa.realtime.spi.Transports.load(probe.name(), options);
        }
    }

    /** {@link HttpStreamingContract} for this transport. */
    @Nested
    class HttpStreaming extends HttpStreamingContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link WebSocketContract} for this transport. */
    @Nested
    class WebSocket extends WebSocketContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link WebSocketBinaryContract} for this transport. */
    @Nested
    class WebSocketBinary extends WebSocketBinaryContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link RealtimeClientContract} for this transport. */
    @Nested
    class Realtime extends RealtimeClientContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link SseClientContract} for this transport. */
    @Nested
    class Sse extends SseClientContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link StreamingChatContract} for this transport. */
    @Nested
    class Chat extends StreamingChatContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link ChatDialectContract} for this transport. */
    @Nested
    class ChatDialects extends ChatDialectContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link ChatCallContract} for this transport. */
    @Nested
    class Call extends ChatCallContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link CancelContract} for this transport. */
    @Nested
    class Cancel extends CancelContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link TransportRetryContract} for this transport. */
    @Nested
    class Retry extends TransportRetryContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link TransportLifecycleContract} for this transport. */
    @Nested
    class Lifecycle extends TransportLifecycleContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link TransportErrorsContract} for this transport. */
    @Nested
    class Errors extends TransportErrorsContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link TransportCancelContract} for this transport. */
    @Nested
    class TransportCancel extends TransportCancelContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link HostileHttpContract} for this transport. */
    @Nested
    class HostileHttp extends HostileHttpContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link HostileWebSocketContract} for this transport. */
    @Nested
    class HostileWebSocket extends HostileWebSocketContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /**
     * The leaks of pooled buffers the transport's own leak detector reported so far, checked by
     * {@link LeakContract} after its cycles (e.g. Netty's {@code ResourceLeakDetector} at
     * PARANOID); empty by default, for transports that pool no memory.
     *
     * @return the leak reports, empty for none
     */
    protected java.util.List<String> bufferLeaks() {
        return java.util.List.of();
    }

    /** {@link ConcurrencyContract} for this transport. */
    @Nested
    class Concurrency extends ConcurrencyContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link LeakContract} for this transport. */
    @Nested
    class Leak extends LeakContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }

        @Override
        protected java.util.List<String> bufferLeaks() {
            return TransportTck.this.bufferLeaks();
        }
    }

    /** {@link FaultContract} for this transport. */
    @Nested
    class Faults extends FaultContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link SecretsContract} for this transport. */
    @Nested
    class Secrets extends SecretsContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }

    /** {@link ObservabilityContract} for this transport. */
    @Nested
    class Observability extends ObservabilityContract {
        @Override
        protected Transport transport() {
            return TransportTck.this.transport();
        }

        @Override
        protected Transport transport(TransportOptions options) {
            return TransportTck.this.transport(options);
        }
    }
}
