package io.noa.realtime.benchmarks.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny run of the harness: every client gets every echo and every acknowledgement. */
class WebSocketBenchTest {
    @Test
    void everyClientGetsEveryEchoAndEveryAcknowledgement() throws Exception {
        WebSocketBench.Settings s = new WebSocketBench.Settings(2, 500, 16, 50, 200, 20);
        List<WebSocketBench.Result> results = WebSocketBench.run(s, false);
        assertThat(results).extracting(WebSocketBench.Result::name).containsExactly(
                "noa RealtimeClient (netty)", "noa RealtimeClient (jdk)", "plain Java-WebSocket");
        for (WebSocketBench.Result r : results) {
            assertThat(r.echoed()).as(r.name()).isEqualTo(2 * 500);
            assertThat(r.acked()).as(r.name()).isEqualTo(2 * 50);
            assertThat(r.msgsPerSecond()).hasSize(2).doesNotContain(0.0);
            assertThat(r.p50()).hasSize(2).doesNotContain(0.0);
        }
        String text = WebSocketBench.report(results, s, true);
        assertThat(text).contains("Machine: ", "Command: `java -Xmx1g -cp benchmarks/target/benchmarks.jar "
                + "io.noa.realtime.benchmarks.ws.WebSocketBench --quick --readme benchmarks/README.md`",
                "| plain Java-WebSocket |", "| noa RealtimeClient (netty) |", "| noa RealtimeClient (jdk) |");
    }
}
