package io.noa.realtime.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the builders; messages name the argument. */
public final class Args {
    private Args() {}

    /**
     * Checks that a duration is present and above zero.
     *
     * @param d the duration
     * @param name the argument's name, for the message
     * @return {@code d}
     * @throws IllegalArgumentException when zero or negative
     */
    public static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    /**
     * Checks that a duration is present and not negative.
     *
     * @param d the duration
     * @param name the argument's name, for the message
     * @return {@code d}
     * @throws IllegalArgumentException when negative
     */
    public static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
        return d;
    }
}
