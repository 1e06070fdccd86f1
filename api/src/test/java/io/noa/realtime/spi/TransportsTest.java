package io.noa.realtime.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.RealtimeException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** Discovery rules, with in-memory providers (no network involved). */
class TransportsTest {

    private static final class NamedTransport implements Transport {
        final String name;

        NamedTransport(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public HttpStreaming http() {
            return r -> CompletableFuture.failedFuture(new IllegalStateException("not used"));
        }

        @Override
        public WebSocketConnector webSocket() {
            return (URI u, Headers h, Duration t, WebSocketListener l) ->
                    CompletableFuture.failedFuture(new IllegalStateException("not used"));
        }

        @Override
        public ScheduledExecutorService scheduler() {
            throw new IllegalStateException("not used");
        }

        @Override
        public void close() {}
    }

    private static TransportProvider provider(String name, int priority, boolean available) {
        return new TransportProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public boolean isAvailable() {
                return available;
            }

            @Override
            public Transport create(TransportOptions options) {
                return new NamedTransport(name);
            }
        };
    }

    @Test
    void highestPriorityAvailableWins() {
        List<TransportProvider> ps = List.of(provider("jdk", 10, true), provider("netty", 20, true));
        assertThat(Transports.best(ps, TransportOptions.defaults()).name()).isEqualTo("netty");
    }

    @Test
    void unavailableProvidersAreSkipped() {
        List<TransportProvider> ps = List.of(provider("jdk", 10, true), provider("netty", 20, false));
        assertThat(Transports.best(ps, TransportOptions.defaults()).name()).isEqualTo("jdk");
    }

    @Test
    void providerWhoseAvailabilityCheckThrowsCountsAsUnavailable() {
        TransportProvider broken = new TransportProvider() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int priority() {
                return 100;
            }

            @Override
            public boolean isAvailable() {
                throw new NoClassDefFoundError("io/netty/Missing");
            }

            @Override
            public Transport create(TransportOptions options) {
                throw new AssertionError("must not be created");
            }
        };
        assertThat(Transports.best(List.of(broken, provider("jdk", 10, true)), TransportOptions.defaults()).name())
                .isEqualTo("jdk");
    }

    @Test
    void byNameIgnoresCase() {
        List<TransportProvider> ps = List.of(provider("jdk", 10, true), provider("netty", 20, true));
        assertThat(Transports.byName(ps, "JDK", TransportOptions.defaults()).name()).isEqualTo("jdk");
    }

    @Test
    void noneFoundNamesTheArtifactsToAdd() {
        assertThatThrownBy(() -> Transports.best(List.of(), TransportOptions.defaults()))
                .isInstanceOf(RealtimeException.class)
                .hasMessageContaining("noa-realtime-transport-netty")
                .hasMessageContaining("noa-realtime-transport-jdk");
        assertThatThrownBy(() -> Transports.byName(List.of(provider("jdk", 10, true)), "okhttp", TransportOptions.defaults()))
                .hasMessageContaining("'okhttp'").hasMessageContaining("found: jdk");
        assertThatThrownBy(() -> Transports.byName(List.of(provider("netty", 20, false)), "netty", TransportOptions.defaults()))
                .hasMessageContaining("not available");
    }

    @Test
    void apiAloneHasNoTransportAndSaysWhatToAdd() {
        // the api module's own class path has no provider
        assertThat(Transports.providers(getClass().getClassLoader())).isEmpty();
        assertThatThrownBy(Transports::load).isInstanceOf(RealtimeException.class)
                .hasMessageContaining("noa-realtime-transport-");
    }

    @Test
    void systemPropertySelectsByName() {
        String old = System.getProperty(Transports.PROPERTY);
        System.setProperty(Transports.PROPERTY, "custom");
        try {
            assertThatThrownBy(Transports::load).hasMessageContaining("'custom'").hasMessageContaining("-Dnoa.transport");
        } finally {
            if (old == null) {
                System.clearProperty(Transports.PROPERTY);
            } else {
                System.setProperty(Transports.PROPERTY, old);
            }
        }
    }
}
