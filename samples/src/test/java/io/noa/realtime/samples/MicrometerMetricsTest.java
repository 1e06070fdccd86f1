package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the Micrometer sample: the client's metrics hook fills the registry. */
class MicrometerMetricsTest {
    @Test
    void theMetricsHookFillsMicrometerMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String states = MicrometerMetrics.run(registry, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(states).isEqualTo("COMPLETED COMPLETED");
        assertThat(registry.get("noa.connects").tag("client", "chat").counter().count()).isEqualTo(3); // 503, retry, second
        assertThat(registry.get("noa.retries").counter().count()).isEqualTo(1);
        assertThat(registry.get("noa.events").counter().count()).isGreaterThanOrEqualTo(6);
        assertThat(registry.get("noa.ends").tag("outcome", "ok").counter().count()).isEqualTo(2);
        assertThat(registry.get("noa.ends").tag("outcome", "failure").counter().count()).isZero();
        assertThat(registry.get("noa.first.token").timer().count()).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("COMPLETED: Hello from a retry")
                .contains("noa.retries");
    }
}
