package io.noa.realtime.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportProvider;
import io.noa.realtime.spi.Transports;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With both transports on the class path (transport-jdk is a test dependency here), discovery prefers Netty. */
class DiscoveryTest {
    @Test
    void bothProvidersAreFoundAndNettyWins() {
        List<TransportProvider> providers = Transports.providers(getClass().getClassLoader());
        assertThat(providers).extracting(TransportProvider::name).contains("netty", "jdk");
        try (Transport t = Transports.load()) {
            assertThat(t.name()).isEqualTo("netty");
        }
    }

    @Test
    void theJdkTransportCanStillBeChosenByName() {
        try (Transport t = Transports.load("jdk")) {
            assertThat(t.name()).isEqualTo("jdk");
        }
    }
}
