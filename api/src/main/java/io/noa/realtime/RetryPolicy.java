package io.noa.realtime;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When and how often to retry. Exponential backoff {@code initialDelay * multiplier^attempt},
 * capped at {@code maxDelay}, randomized by {@code randomizationFactor} (0 means no jitter, so
 * the delays are exact), at most {@code maxRetries} retries (or unlimited). A server may
 * override the next delay: an SSE {@code retry:} field replaces the initial delay, and a
 * {@code Retry-After} (or {@code retry-after-ms}) header sets the least the next delay may be;
 * both are capped at {@code maxServerDelay}. Immutable and thread-safe.
 *
 * <p>Storms are bounded: no delay is ever shorter than {@code minDelay} (100 ms by default, never
 * above {@code maxDelay}), whatever the server says ({@code retry: 0}, {@code Retry-After: 0}),
 * and backoff keeps growing across connections that die young: a client resets its attempt count
 * only after a connection stayed up for {@code healthyAfter} (2 s by default).
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#retry-policy -->
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .maxRetries(5)
 *         .initialDelay(Duration.ofSeconds(1))
 *         .maxDelay(Duration.ofSeconds(30))
 *         .multiplier(2)
 *         .randomizationFactor(0.5)
 *         .build();
 * }</pre>
 *
 * <p>{@link #isRetryable(Throwable)} says which failures retry: network errors and timeouts,
 * HTTP 408, 429 (unless the server says the quota is used up) and 5xx retry; every other 4xx,
 * handshake refusals and format errors fail at once.
 */
public final class RetryPolicy {
    /** Value of {@link Builder#maxRetries(int)} meaning "retry forever". */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private static final RetryPolicy DEFAULT = builder().build();
    private static final RetryPolicy NONE = builder().maxRetries(0).build();

    private final int maxRetries;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double randomizationFactor;
    private final Duration maxServerDelay;
    private final Duration minDelay;
    private final Duration healthyAfter;

    private RetryPolicy(Builder b) {
        this.maxRetries = b.maxRetries;
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.multiplier = b.multiplier;
        this.randomizationFactor = b.randomizationFactor;
        this.maxServerDelay = b.maxServerDelay;
        this.minDelay = min(b.minDelay, b.maxDelay);
        this.healthyAfter = b.healthyAfter;
    }

    /**
     * The defaults: 5 retries, 1 s initial delay, 30 s maximum, multiplier 2, randomization 0.5,
     * server overrides capped at 60 s, no delay below 100 ms, a connection healthy after 2 s.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /**
     * A policy that never retries.
     *
     * @return the policy with {@code maxRetries = 0}
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this policy.
     *
     * @return a new builder with this policy's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxRetries = maxRetries;
        b.initialDelay = initialDelay;
        b.maxDelay = maxDelay;
        b.multiplier = multiplier;
        b.randomizationFactor = randomizationFactor;
        b.maxServerDelay = maxServerDelay;
        b.minDelay = minDelay;
        b.healthyAfter = healthyAfter;
        return b;
    }

    /**
     * The maximum number of retries.
     *
     * @return the count, {@link #UNLIMITED} for no limit
     */
    public int maxRetries() {
        return maxRetries;
    }

    /**
     * The delay before the first retry (before jitter).
     *
     * @return the initial delay
     */
    public Duration initialDelay() {
        return initialDelay;
    }

    /**
     * The cap on computed delays.
     *
     * @return the maximum delay
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * The growth factor per attempt.
     *
     * @return the multiplier, at least 1
     */
    public double multiplier() {
        return multiplier;
    }

    /**
     * The jitter: a delay {@code d} becomes a uniform value in
     * {@code [d * (1 - factor), d * (1 + factor)]}, capped at {@link #maxDelay()}.
     *
     * @return the factor in {@code [0, 1]}
     */
    public double randomizationFactor() {
        return randomizationFactor;
    }

    /**
     * The cap on delays requested by the server ({@code retry:}, {@code Retry-After}).
     *
     * @return the cap
     */
    public Duration maxServerDelay() {
        return maxServerDelay;
    }

    /**
     * The least any delay may be, server-requested ones included (at most {@link #maxDelay()}).
     *
     * @return the floor
     */
    public Duration minDelay() {
        return minDelay;
    }

    /**
     * How long a connection must stay up before it counts as healthy, so that the next failure
     * starts the backoff again from the first delay. A connection that dies younger keeps the
     * attempt count growing, so a server that accepts and drops at once cannot cause a storm.
     *
     * @return the duration
     */
    public Duration healthyAfter() {
        return healthyAfter;
    }

    /**
     * Whether a connection that was up for {@code uptime} counts as healthy.
     *
     * @param uptime how long it was up
     * @return {@code uptime >= healthyAfter()}
     */
    public boolean isHealthy(Duration uptime) {
        return uptime.compareTo(healthyAfter) >= 0;
    }

    /**
     * Whether another retry is allowed after {@code retriesSoFar} retries.
     *
     * @param retriesSoFar retries already made (0 before the first retry)
     * @return true while under {@link #maxRetries()}
     */
    public boolean allowsRetry(int retriesSoFar) {
        return maxRetries == UNLIMITED || retriesSoFar < maxRetries;
    }

    /**
     * The delay before retry number {@code attempt} (0 = the first retry), with jitter.
     *
     * @param attempt the zero-based retry number
     * @return the delay
     */
    public Duration delayForAttempt(int attempt) {
        return delayForAttempt(attempt, ThreadLocalRandom.current()::nextDouble);
    }

    /**
     * The delay before retry number {@code attempt}, with jitter drawn from {@code random}.
     *
     * @param attempt the zero-based retry number
     * @param random a source of uniform values in {@code [0, 1)}
     * @return the delay
     */
    public Duration delayForAttempt(int attempt, DoubleSupplier random) {
        return atLeastFloor(jitter(backoff(initialDelay, attempt), random));
    }

    /**
     * The delay before retry number {@code attempt}, honouring the server's wishes without letting
     * them cause a storm: a {@code retryAfter} (from {@code Retry-After} or {@code retry-after-ms})
     * is the least the delay may be, and from the second retry in a row on the delay is also at
     * least {@code minDelay * multiplier^attempt} (so {@code Retry-After: 0} answered again and
     * again backs off); otherwise a {@code serverRetry} (the SSE {@code retry:} field) replaces the
     * initial delay, and backoff and jitter apply as usual. Server values are capped at
     * {@link #maxServerDelay()}; no result is below {@link #minDelay()}.
     *
     * @param attempt the zero-based retry number
     * @param serverRetry the last SSE {@code retry:} value, if any
     * @param retryAfter the delay from a {@code Retry-After} header of the failed response, if any
     * @return the delay
     */
    public Duration delayForAttempt(int attempt, Optional<Duration> serverRetry, Optional<Duration> retryAfter) {
        Objects.requireNonNull(serverRetry, "serverRetry");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isPresent()) {
            Duration asked = min(nonNegative(retryAfter.get()), maxServerDelay);
            Duration grown = backoff(minDelay, attempt);
            return atLeastFloor(asked.compareTo(grown) >= 0 ? asked : grown);
        }
        if (serverRetry.isPresent()) {
            Duration base = max(min(nonNegative(serverRetry.get()), maxServerDelay), minDelay);
            Duration grown = backoffUncapped(base, attempt);
            Duration cap = maxDelay.compareTo(base) > 0 ? maxDelay : base;
            return atLeastFloor(min(jitter(min(grown, cap), ThreadLocalRandom.current()::nextDouble), cap));
        }
        return delayForAttempt(attempt);
    }

    private Duration backoff(Duration base, int attempt) {
        return min(backoffUncapped(base, attempt), maxDelay);
    }

    private Duration backoffUncapped(Duration base, int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, was " + attempt);
        }
        double ms = base.toMillis() * Math.pow(multiplier, attempt);
        if (Double.isNaN(ms) || ms >= Long.MAX_VALUE / 2.0) {
            return Duration.ofMillis(Long.MAX_VALUE / 2);
        }
        return Duration.ofMillis((long) ms);
    }

    private Duration jitter(Duration d, DoubleSupplier random) {
        if (randomizationFactor == 0) {
            return d;
        }
        double ms = d.toMillis();
        double r = random.getAsDouble();
        double jittered = ms * (1 - randomizationFactor + 2 * randomizationFactor * r);
        return min(Duration.ofMillis(Math.max(0, Math.round(jittered))), maxDelay.compareTo(d) > 0 ? maxDelay : d);
    }

    private Duration atLeastFloor(Duration d) {
        return max(d, minDelay);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * Whether a failure is worth retrying: network errors and timeouts ({@link TransportException},
     * {@link IOException}), HTTP 408, 429 and 5xx ({@link HttpStatusException}) retry, except a 429
     * whose error code or type is {@code insufficient_quota}. Everything else (other 4xx, handshake
     * refusals, format and limit errors, programming errors) does not.
     *
     * @param failure the failure, possibly wrapped in {@code CompletionException}s
     * @return true when a retry may succeed
     */
    public static boolean isRetryable(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) {
            if (t.getCause() == null) {
                break;
            }
            t = t.getCause();
        }
        if (t instanceof HttpStatusException) {
            HttpStatusException h = (HttpStatusException) t;
            if (h.status() == 429) {
                return h.error().map(e -> !isQuota(e)).orElse(true);
            }
            return isRetryableStatus(h.status());
        }
        if (t instanceof HandshakeException) {
            int s = ((HandshakeException) t).status();
            return s == 408 || s == 429 || s >= 500;
        }
        return t instanceof TransportException || t instanceof IOException;
    }

    private static boolean isQuota(ErrorDetail e) {
        return e.code().filter("insufficient_quota"::equals).isPresent()
                || e.type().filter("insufficient_quota"::equals).isPresent();
    }

    /**
     * Whether an HTTP status is worth retrying.
     *
     * @param status the status
     * @return true for 408, 429 and 5xx
     */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    /**
     * Parses the delay a server asks for: {@code retry-after-ms} (milliseconds, preferred when
     * present) or {@code Retry-After} as delta-seconds or an HTTP date. Malformed values are ignored.
     *
     * @param retryAfterMs the {@code retry-after-ms} header value, or {@code null}
     * @param retryAfter the {@code Retry-After} header value, or {@code null}
     * @param clock the clock for HTTP dates
     * @return the delay (never negative), or empty if neither header is usable
     */
    public static Optional<Duration> parseRetryAfter(String retryAfterMs, String retryAfter, Clock clock) {
        if (retryAfterMs != null) {
            try {
                double ms = Double.parseDouble(retryAfterMs.trim());
                if (ms >= 0 && !Double.isInfinite(ms) && !Double.isNaN(ms)) {
                    return Optional.of(Duration.ofMillis((long) Math.min(ms, Long.MAX_VALUE / 2.0)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return parseRetryAfter(retryAfter, clock);
    }

    /**
     * Parses a {@code Retry-After} header: delta-seconds ({@code "120"}) or an HTTP date
     * ({@code "Wed, 21 Oct 2015 07:28:00 GMT"}). A date in the past gives zero.
     *
     * @param value the header value, or {@code null}
     * @param clock the clock for HTTP dates
     * @return the delay, or empty if the value is missing or malformed
     */
    public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (v.length() > 12) {
                return Optional.of(Duration.ofSeconds(999_999_999_999L));
            }
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US)).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxRetries=" + (maxRetries == UNLIMITED ? "unlimited" : String.valueOf(maxRetries))
                + ", initialDelay=" + initialDelay + ", maxDelay=" + maxDelay + ", multiplier=" + multiplier
                + ", randomizationFactor=" + randomizationFactor + ", maxServerDelay=" + maxServerDelay
                + ", minDelay=" + minDelay + ", healthyAfter=" + healthyAfter + '}';
    }

    /** Builds a {@link RetryPolicy}. Not thread-safe. */
    public static final class Builder {
        private int maxRetries = 5;
        private Duration initialDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofSeconds(30);
        private double multiplier = 2.0;
        private double randomizationFactor = 0.5;
        private Duration maxServerDelay = Duration.ofSeconds(60);
        private Duration minDelay = Duration.ofMillis(100);
        private Duration healthyAfter = Duration.ofSeconds(2);

        private Builder() {}

        /**
         * The maximum number of retries after the first attempt.
         *
         * @param maxRetries 0 or more, or {@link RetryPolicy#UNLIMITED}
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0 (or RetryPolicy.UNLIMITED), was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * Retry forever.
         *
         * @return this builder
         */
        public Builder unlimitedRetries() {
            this.maxRetries = UNLIMITED;
            return this;
        }

        /**
         * The delay before the first retry.
         *
         * @param initialDelay zero or positive
         * @return this builder
         */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = nonNegativeArg(initialDelay, "initialDelay");
            return this;
        }

        /**
         * The cap on computed delays.
         *
         * @param maxDelay zero or positive
         * @return this builder
         */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = nonNegativeArg(maxDelay, "maxDelay");
            return this;
        }

        /**
         * The growth factor per attempt.
         *
         * @param multiplier at least 1
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * The jitter factor; 0 disables jitter.
         *
         * @param randomizationFactor in {@code [0, 1]}
         * @return this builder
         */
        public Builder randomizationFactor(double randomizationFactor) {
            if (!(randomizationFactor >= 0.0 && randomizationFactor <= 1.0)) {
                throw new IllegalArgumentException("randomizationFactor must be in [0, 1], was " + randomizationFactor);
            }
            this.randomizationFactor = randomizationFactor;
            return this;
        }

        /**
         * The cap on server-requested delays ({@code retry:} and {@code Retry-After}).
         *
         * @param maxServerDelay zero or positive
         * @return this builder
         */
        public Builder maxServerDelay(Duration maxServerDelay) {
            this.maxServerDelay = nonNegativeArg(maxServerDelay, "maxServerDelay");
            return this;
        }

        /**
         * The least any delay may be, including delays a server asks for ({@code retry: 0},
         * {@code Retry-After: 0}). Used as at most {@code maxDelay}. Zero removes the floor, which
         * lets a misbehaving server make the client reconnect as fast as the network allows: keep
         * it for tests against your own servers.
         *
         * @param minDelay zero or positive; default 100 ms
         * @return this builder
         */
        public Builder minDelay(Duration minDelay) {
            this.minDelay = nonNegativeArg(minDelay, "minDelay");
            return this;
        }

        /**
         * How long a connection must stay up before the attempt count is reset.
         *
         * @param healthyAfter zero or positive; default 2 s
         * @return this builder
         * @see RetryPolicy#healthyAfter()
         */
        public Builder healthyAfter(Duration healthyAfter) {
            this.healthyAfter = nonNegativeArg(healthyAfter, "healthyAfter");
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the immutable policy
         * @throws IllegalArgumentException if {@code initialDelay > maxDelay}
         */
        public RetryPolicy build() {
            if (initialDelay.compareTo(maxDelay) > 0) {
                throw new IllegalArgumentException("initialDelay (" + initialDelay + ") must not exceed maxDelay (" + maxDelay + ")");
            }
            return new RetryPolicy(this);
        }

        private static Duration nonNegativeArg(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}
