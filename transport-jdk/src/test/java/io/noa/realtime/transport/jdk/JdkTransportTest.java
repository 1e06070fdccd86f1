package io.noa.realtime.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportProvider;
import io.noa.realtime.spi.Transports;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JdkTransportTest {
    @Test
    void theProviderIsFoundByServiceLoaderAndByName() {
        List<TransportProvider> providers = Transports.providers(getClass().getClassLoader());
        assertThat(providers).anySatisfy(p -> {
            assertThat(p).isInstanceOf(JdkTransportProvider.class);
            assertThat(p.name()).isEqualTo("jdk");
            assertThat(p.priority()).isEqualTo(10);
            assertThat(p.isAvailable()).isTrue();
        });
        try (Transport t = Transports.load("jdk")) {
            assertThat(t).isInstanceOf(JdkTransport.class);
            assertThat(t.name()).isEqualTo("jdk");
        }
    }

    @Test
    void allTransportsShareOneDaemonSchedulerThatCannotBeShutDown() throws Exception {
        try (JdkTransport a = JdkTransport.create(); JdkTransport b = JdkTransport.create()) {
            ScheduledExecutorService s = a.scheduler();
            assertThat(b.scheduler()).isSameAs(s);
            Thread thread = s.schedule(Thread::currentThread, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
            assertThat(thread.getName()).isEqualTo("noa-jdk-scheduler");
            assertThat(thread.isDaemon()).isTrue();
            assertThatThrownBy(s::shutdown).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(s::shutdownNow).isInstanceOf(UnsupportedOperationException.class);
            assertThat(s.isShutdown()).isFalse();
        }
    }

    @Test
    void aClosedTransportRefusesNewRequestsWithoutThrowing() {
        JdkTransport t = JdkTransport.create();
        t.close();
        t.close(); // idempotent
        CompletableFuture<StreamingResponse> f = t.http().send(StreamingRequest.builder(URI.create("http://127.0.0.1:1/")).build());
        assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void manyConnectTimeoutsShareABoundedNumberOfClients() {
        HttpClients clients = new HttpClients(io.noa.realtime.spi.TransportOptions.defaults(), Runnable::run);
        for (int i = 1; i <= 20; i++) {
            clients.forConnectTimeout(Duration.ofMillis(100L * i));
        }
        // beyond the bound a request reuses the client with the closest shorter timeout
        assertThat(clients.forConnectTimeout(Duration.ofSeconds(30))).isSameAs(clients.forConnectTimeout(Duration.ofMillis(400)));
        assertThat(clients.forConnectTimeout(Duration.ofMillis(50))).isSameAs(clients.forConnectTimeout(Duration.ofMillis(100)));
        clients.close();
    }
}
