package io.noa.realtime.benchmarks.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tiny run of the harness against the real Node socket.io server (installed by the harness with
 * {@code npm ci} into {@code target/sio-bench}): every client gets every acknowledgement, each
 * with its own sequence number, in all three phases, and the report names the targets.
 */
class SocketIoBenchTest {
    @Test
    void everyClientGetsEveryAcknowledgementAndTheReportNamesTheTargets() throws Exception {
        SocketIoBench.Settings s = new SocketIoBench.Settings(1, 50, 200, 16, 100, 2, 50);
        List<SocketIoBench.Result> results = SocketIoBench.run(s, Path.of("target", "sio-bench"), List.of(), false);

        assertThat(results).extracting(SocketIoBench.Result::name).containsExactly("noa RealtimeClient (netty)",
                "noa RealtimeClient (jdk)", "raw JDK WebSocket (floor)", "socket.io-client-java 2.1.2");
        for (SocketIoBench.Result r : results) {
            assertThat(r.answered()).as(r.name()).isEqualTo(50 + 200 + 100);
            assertThat(r.p50()).as(r.name()).hasSize(1).doesNotContain(0.0);
            assertThat(r.pipelined()).as(r.name()).hasSize(1).doesNotContain(0.0);
            assertThat(r.concurrent()).as(r.name()).hasSize(1).doesNotContain(0.0);
        }
        String text = SocketIoBench.report(results, s, true);
        assertThat(text).contains("Machine: ", "Command: `java -Xmx1g -cp benchmarks-socketio/target/"
                + "benchmarks-socketio.jar io.noa.realtime.benchmarks.socketio.SocketIoBench --quick --readme"
                + " benchmarks/README.md`", "| raw JDK WebSocket (floor) |", "| socket.io-client-java 2.1.2 |",
                "p50 ≤ 1.1× the raw client", "faster than the Java peer", "concurrent acks/s ≥ 2.0× the Java peer");
        assertThat(text).containsPattern("— (met|missed)");
    }
}
