package io.noa.realtime.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reconnection delays of {@link RealtimeOptions} against socket.io-client's {@code Backoff}
 * (socket.io-client 4.8.1, {@code build/cjs/contrib/backo2.js}): the expected numbers below were
 * printed by that very code under Node with {@code Math.random} stubbed to the listed values, one
 * {@code duration()} call per attempt. Pure computation, no network.
 */
class ReconnectionBackoffTest {

    private static RealtimeOptions options(long minMs, long maxMs, double factor) {
        return RealtimeClient.builder(URI.create("ws://127.0.0.1:1/"))
                .reconnectionDelay(Duration.ofMillis(minMs))
                .reconnectionDelayMax(Duration.ofMillis(maxMs))
                .randomizationFactor(factor)
                .autoConnect(false)
                .options();
    }

    private static List<Long> delays(RealtimeOptions o, double... rands) {
        List<Long> out = new ArrayList<>();
        for (int attempt = 0; attempt < rands.length; attempt++) {
            double r = rands[attempt];
            out.add(o.reconnectionDelayFor(attempt, () -> r).toMillis());
        }
        return out;
    }

    @Test
    void defaultsMatchTheReferenceClient() {
        RealtimeOptions o = RealtimeClient.builder(URI.create("ws://127.0.0.1:1/")).autoConnect(false).options();
        assertThat(o.reconnectionDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.reconnectionDelayMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.randomizationFactor()).isEqualTo(0.5);
        assertThat(delays(o, 0, 0.05, 0.15, 0.25, 0.55, 0.99, 0.999999, 0.42, 0.37, 0.5))
                .containsExactly(1000L, 1950L, 4300L, 5000L, 5000L, 5000L, 5000L, 5000L, 5000L, 5000L);
    }

    @Test
    void randomizationFactorZeroGivesExactDelays() {
        assertThat(delays(options(1000, 5000, 0), 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3))
                .containsExactly(1000L, 2000L, 4000L, 5000L, 5000L, 5000L, 5000L, 5000L);
        // whatever the random source says
        assertThat(delays(options(1000, 5000, 0), 0.0, 0.99, 0.5)).containsExactly(1000L, 2000L, 4000L);
    }

    @Test
    void fullJitterAddsOrSubtractsByTheParityOfTheFirstDecimal() {
        assertThat(delays(options(100, 10_000, 1), 0.31, 0.62, 0.93, 0.07, 0.18, 0.59, 0.81, 0.44, 0.999, 0.0))
                .containsExactly(131L, 76L, 772L, 744L, 1888L, 5088L, 1216L, 7168L, 10_000L, 10_000L);
    }

    @Test
    void jitterIsAppliedBeforeTheCap() {
        // at 2000 ms * 2 = 4000 and beyond, ms * (1 - 0.2) >= the 4000 ms cap: exactly the cap, never below
        assertThat(delays(options(250, 4000, 0.2), 0.9, 0.1, 0.65, 0.35, 0.75, 0.15, 0.95))
                .containsExactly(295L, 510L, 870L, 2139L, 4000L, 4000L, 4000L);
    }

    @Test
    void hugeAttemptCountsStayAtTheCap() {
        RealtimeOptions o = options(1000, 5000, 0.5);
        assertThat(o.reconnectionDelayFor(5_000, () -> 0.5)).isEqualTo(Duration.ofMillis(5000));
        assertThat(o.reconnectionDelayFor(Integer.MAX_VALUE, () -> 0.0)).isEqualTo(Duration.ofMillis(5000));
        assertThatThrownBy(() -> o.reconnectionDelayFor(-1, () -> 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attempt");
    }
}
