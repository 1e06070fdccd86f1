package io.noa.realtime.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.benchmarks.scale.ScaleHarness.Kind;
import io.noa.realtime.benchmarks.scale.ScaleHarness.Row;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaleHarnessSmokeTest {
    private static ScaleServer server;

    @BeforeAll
    static void startServer() throws InterruptedException {
        server = ScaleServer.start(1);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource({"netty, SSE", "netty, WS", "jdk, SSE", "jdk, WS"})
    void opensFiftyIdleConnectionsAndClosesThem(String transport, Kind kind) throws InterruptedException {
        Row row = ScaleHarness.measure(transport, kind, kind == Kind.SSE ? server.sseUri() : server.wsUri(), 50,
                Duration.ofSeconds(10));

        assertThat(row.opened).isEqualTo(50);
        assertThat(row.failed).isZero();
        assertThat(row.allOpened()).isTrue();
        assertThat(row.stopReason).isEmpty();
        assertThat(ScaleHarness.render(List.of(row), "cmd")).contains("| " + transport + " |").contains("50 (all)");
    }
}
