package io.noa.realtime.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportProvider;
import io.noa.realtime.spi.Transports;
import org.junit.jupiter.api.Test;

/** With only transport-jdk on the class path, discovery picks it. */
class DiscoveryTest {
    @Test
    void jdkAloneIsPicked() {
        assertThat(Transports.providers(getClass().getClassLoader())).extracting(TransportProvider::name)
                .containsExactly("jdk");
        try (Transport t = Transports.load()) {
            assertThat(t.name()).isEqualTo("jdk");
        }
    }
}
