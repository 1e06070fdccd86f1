package io.noa.realtime.benchmarks.latency;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirstTokenLatencySmokeTest {
    @Test
    void everyClientSeesTheFirstTokenOfEveryAnswer() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("one two three").start();
                FirstTokenLatency.Client raw = new FirstTokenLatency.RawClient(server.chatUri());
                FirstTokenLatency.Client netty = new FirstTokenLatency.NoaClient(server.chatUri(), NettyTransport.create());
                FirstTokenLatency.Client jdk = new FirstTokenLatency.NoaClient(server.chatUri(), JdkTransport.create());
                FirstTokenLatency.Client httpClient = new FirstTokenLatency.HttpClientClient(server.chatUri(), false);
                FirstTokenLatency.Client httpClientAsync = new FirstTokenLatency.HttpClientClient(server.chatUri(), true)) {
            Map<String, double[]> micros = new LinkedHashMap<>();
            for (Map.Entry<String, FirstTokenLatency.Client> e : Map.of("raw", raw, "netty", netty, "jdk", jdk, "httpclient", httpClient,
                    "httpclient-async", httpClientAsync).entrySet()) {
                double[] times = new double[20];
                for (int i = 0; i < times.length; i++) {
                    times[i] = e.getValue().firstTokenNanos() / 1000.0;
                }
                micros.put(e.getKey(), times);
            }

            assertThat(server.requests()).hasSize(100);
            assertThat(micros.values()).allSatisfy(times -> assertThat(Arrays.stream(times).min().orElse(0)).isPositive());
            assertThat(FirstTokenLatency.render(micros, 0, 20, "cmd")).contains("| netty |").contains("| jdk |");
        }
    }
}
