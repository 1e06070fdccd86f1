package io.noa.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:27:00Z"), ZoneOffset.UTC);

    private static RetryPolicy noJitter() {
        return RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(2))
                .multiplier(2).randomizationFactor(0).maxRetries(10).build();
    }

    @Test
    void exponentialBackoffWithoutJitterIsExact() {
        RetryPolicy p = noJitter();
        assertThat(p.delayForAttempt(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayForAttempt(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayForAttempt(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayForAttempt(4)).isEqualTo(Duration.ofMillis(1600));
        assertThat(p.delayForAttempt(5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayForAttempt(60)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayForAttempt(Integer.MAX_VALUE - 1)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void zeroRandomizationMeansNoJitterWhateverTheRandomSource() {
        RetryPolicy p = noJitter();
        assertThat(p.delayForAttempt(1, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayForAttempt(1, () -> 0.999)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void jitterStaysWithinBoundsAndSpreads() {
        RetryPolicy p = noJitter().toBuilder().randomizationFactor(0.5).build();
        Random r = new Random(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long ms = p.delayForAttempt(2, r::nextDouble).toMillis();
            assertThat(ms).isBetween(200L, 600L);
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertThat(min).isLessThan(230);
        assertThat(max).isGreaterThan(570);
        // the extremes of the random source map to the extremes of the range
        assertThat(p.delayForAttempt(2, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayForAttempt(2, () -> 1.0)).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void jitterNeverExceedsMaxDelay() {
        RetryPolicy p = noJitter().toBuilder().randomizationFactor(1.0).build();
        for (int attempt = 0; attempt < 20; attempt++) {
            assertThat(p.delayForAttempt(attempt, () -> 0.9999)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void maxRetriesCountsAndUnlimitedNeverStops() {
        RetryPolicy three = RetryPolicy.builder().maxRetries(3).build();
        assertThat(three.allowsRetry(0)).isTrue();
        assertThat(three.allowsRetry(2)).isTrue();
        assertThat(three.allowsRetry(3)).isFalse();
        RetryPolicy forever = RetryPolicy.builder().unlimitedRetries().build();
        assertThat(forever.maxRetries()).isEqualTo(RetryPolicy.UNLIMITED);
        assertThat(forever.allowsRetry(Integer.MAX_VALUE - 1)).isTrue();
        assertThat(RetryPolicy.none().allowsRetry(0)).isFalse();
        assertThat(forever.toString()).contains("unlimited");
    }

    @Test
    void defaultsMatchTheDocs() {
        RetryPolicy d = RetryPolicy.defaults();
        assertThat(d.maxRetries()).isEqualTo(5);
        assertThat(d.initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.maxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.multiplier()).isEqualTo(2.0);
        assertThat(d.randomizationFactor()).isEqualTo(0.5);
        assertThat(d.maxServerDelay()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void builderRejectsBadValuesWithNamedArguments() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(Double.NaN)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.builder().randomizationFactor(1.5)).hasMessageContaining("randomizationFactor");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofMillis(-1))).hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofMinutes(5)).maxDelay(Duration.ofMinutes(1)).build())
                .hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("initialDelay");
        assertThatThrownBy(() -> noJitter().delayForAttempt(-1)).hasMessageContaining("attempt");
    }

    @Test
    void retryAfterOverridesComputedDelayAndIsCapped() {
        RetryPolicy p = noJitter();
        assertThat(p.delayForAttempt(3, Optional.empty(), Optional.of(Duration.ofSeconds(7))))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(p.delayForAttempt(3, Optional.empty(), Optional.of(Duration.ofHours(3))))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(p.delayForAttempt(3, Optional.of(Duration.ofSeconds(1)), Optional.of(Duration.ofSeconds(3))))
                .as("Retry-After wins over retry:").isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void serverRetryFieldReplacesInitialDelay() {
        RetryPolicy p = noJitter().toBuilder().minDelay(Duration.ofMillis(10)).build();
        assertThat(p.delayForAttempt(0, Optional.of(Duration.ofMillis(50)), Optional.empty()))
                .isEqualTo(Duration.ofMillis(50));
        assertThat(p.delayForAttempt(2, Optional.of(Duration.ofMillis(50)), Optional.empty()))
                .isEqualTo(Duration.ofMillis(200));
        // a server retry above maxDelay is honoured (up to maxServerDelay), not cut to maxDelay
        assertThat(p.delayForAttempt(0, Optional.of(Duration.ofSeconds(10)), Optional.empty()))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayForAttempt(0, Optional.of(Duration.ofDays(2)), Optional.empty()))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(p.delayForAttempt(0, Optional.empty(), Optional.empty())).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void serverZeroDelaysCannotCauseAStorm() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.minDelay()).isEqualTo(Duration.ofMillis(100));
        // retry: 0 then close, again and again: never below the floor, and growing with the attempts
        assertThat(p.delayForAttempt(0, Optional.of(Duration.ZERO), Optional.empty())).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(p.delayForAttempt(6, Optional.of(Duration.ZERO), Optional.empty())).isGreaterThanOrEqualTo(Duration.ofMillis(3200));
        // 503 with Retry-After: 0 answered again and again backs off too
        RetryPolicy exact = RetryPolicy.builder().randomizationFactor(0).build();
        assertThat(exact.delayForAttempt(0, Optional.empty(), Optional.of(Duration.ZERO))).isEqualTo(Duration.ofMillis(100));
        assertThat(exact.delayForAttempt(1, Optional.empty(), Optional.of(Duration.ZERO))).isEqualTo(Duration.ofMillis(200));
        assertThat(exact.delayForAttempt(4, Optional.empty(), Optional.of(Duration.ZERO))).isEqualTo(Duration.ofMillis(1600));
        assertThat(exact.delayForAttempt(30, Optional.empty(), Optional.of(Duration.ZERO))).isEqualTo(Duration.ofSeconds(30));
        // a user's own zero delays get the floor as well
        RetryPolicy zero = RetryPolicy.builder().initialDelay(Duration.ZERO).randomizationFactor(0).build();
        assertThat(zero.delayForAttempt(0)).isEqualTo(Duration.ofMillis(100));
        long sum = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            sum += p.delayForAttempt(attempt, Optional.of(Duration.ZERO), Optional.of(Duration.ZERO)).toMillis();
        }
        assertThat(20 * 1000.0 / sum).as("reconnects per second over 20 quick failures").isLessThan(2.0);
    }

    @Test
    void floorIsConfigurableAndNeverAboveMaxDelay() {
        RetryPolicy none = RetryPolicy.builder().minDelay(Duration.ZERO).initialDelay(Duration.ZERO).randomizationFactor(0).build();
        assertThat(none.delayForAttempt(3, Optional.of(Duration.ZERO), Optional.empty())).isEqualTo(Duration.ZERO);
        RetryPolicy tight = RetryPolicy.builder().initialDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(50)).build();
        assertThat(tight.minDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(tight.delayForAttempt(0, Optional.of(Duration.ZERO), Optional.empty())).isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> RetryPolicy.builder().minDelay(Duration.ofMillis(-1))).hasMessageContaining("minDelay");
        assertThat(RetryPolicy.defaults().toBuilder().build().toString()).contains("minDelay=PT0.1S", "healthyAfter=PT2S");
    }

    @Test
    void aConnectionIsHealthyOnlyAfterItLivedAWhile() {
        RetryPolicy p = RetryPolicy.builder().healthyAfter(Duration.ofSeconds(5)).build();
        assertThat(p.isHealthy(Duration.ofMillis(10))).isFalse();
        assertThat(p.isHealthy(Duration.ofSeconds(5))).isTrue();
        assertThat(RetryPolicy.defaults().healthyAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void parsesRetryAfterSeconds() {
        assertThat(RetryPolicy.parseRetryAfter("120", CLOCK)).contains(Duration.ofSeconds(120));
        assertThat(RetryPolicy.parseRetryAfter(" 0 ", CLOCK)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("99999999999999999999", CLOCK)).isPresent();
    }

    @Test
    void parsesRetryAfterHttpDate() {
        assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", CLOCK)).contains(Duration.ofSeconds(60));
        assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", CLOCK)).as("past date")
                .contains(Duration.ZERO);
    }

    @Test
    void ignoresMalformedRetryAfter() {
        assertThat(RetryPolicy.parseRetryAfter("soon", CLOCK)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("-5", CLOCK)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("1.5", CLOCK)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("", CLOCK)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(null, CLOCK)).isEmpty();
    }

    @Test
    void retryAfterMsIsPreferred() {
        assertThat(RetryPolicy.parseRetryAfter("1500", "9", CLOCK)).contains(Duration.ofMillis(1500));
        assertThat(RetryPolicy.parseRetryAfter("250.7", null, CLOCK)).contains(Duration.ofMillis(250));
        assertThat(RetryPolicy.parseRetryAfter("bogus", "9", CLOCK)).contains(Duration.ofSeconds(9));
        assertThat(RetryPolicy.parseRetryAfter("-3", "2", CLOCK)).contains(Duration.ofSeconds(2));
    }

    @Test
    void classifiesFailures() {
        assertThat(RetryPolicy.isRetryable(new TransportException("reset"))).isTrue();
        assertThat(RetryPolicy.isRetryable(new ConnectException("refused"))).isTrue();
        assertThat(RetryPolicy.isRetryable(new IOException("eof"))).isTrue();
        assertThat(RetryPolicy.isRetryable(new ConnectTimeoutException("x", Duration.ofSeconds(1)))).isTrue();
        assertThat(RetryPolicy.isRetryable(new IdleTimeoutException("x", Duration.ofSeconds(1)))).isTrue();
        assertThat(RetryPolicy.isRetryable(new CompletionException(new TransportException("wrapped")))).isTrue();
        for (int s : new int[] {408, 429, 500, 502, 503, 504, 529}) {
            assertThat(RetryPolicy.isRetryable(http(s, null))).as("status %d", s).isTrue();
        }
        for (int s : new int[] {400, 401, 403, 404, 409, 422}) {
            assertThat(RetryPolicy.isRetryable(http(s, null))).as("status %d", s).isFalse();
        }
        assertThat(RetryPolicy.isRetryable(http(429, ErrorDetail.of("slow down", "requests", "rate_limit_exceeded", null))))
                .isTrue();
        assertThat(RetryPolicy.isRetryable(http(429, ErrorDetail.of("quota", "insufficient_quota", "insufficient_quota", null))))
                .isFalse();
        assertThat(RetryPolicy.isRetryable(new HandshakeException("ws://h/", 401, ""))).isFalse();
        assertThat(RetryPolicy.isRetryable(new HandshakeException("ws://h/", 503, ""))).isTrue();
        assertThat(RetryPolicy.isRetryable(new StreamFormatException("bad", "x"))).isFalse();
        assertThat(RetryPolicy.isRetryable(new LimitExceededException("SSE event", "maxEventSize", 10))).isFalse();
        assertThat(RetryPolicy.isRetryable(new IllegalStateException())).isFalse();
    }

    private static HttpStatusException http(int status, ErrorDetail error) {
        return new HttpStatusException("http://127.0.0.1/x", status, "", null, error);
    }
}
