package io.noa.realtime.spi;

import io.noa.realtime.internal.Redaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Immutable HTTP header fields in arrival order, with case-insensitive lookup. {@code toString}
 * hides the values of authorization, cookie, token and key headers, and of every header marked
 * with {@link Builder#secret(String)}.
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(List.of(), Set.of());

    private final List<String> namesAndValues; // name0, value0, name1, value1, ...
    private final Set<String> secretNames; // lower case

    private Headers(List<String> namesAndValues, Set<String> secretNames) {
        this.namesAndValues = namesAndValues;
        this.secretNames = secretNames;
    }

    /**
     * No headers.
     *
     * @return the empty instance
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Headers from a map of single values.
     *
     * @param map names to values
     * @return the headers, in the map's iteration order
     */
    public static Headers of(Map<String, String> map) {
        Builder b = builder();
        map.forEach(b::add);
        return b.build();
    }

    /**
     * Headers from a map of value lists.
     *
     * @param map names to values
     * @return the headers, in the map's iteration order
     */
    public static Headers ofMulti(Map<String, ? extends List<String>> map) {
        Builder b = builder();
        map.forEach((n, vs) -> vs.forEach(v -> b.add(n, v)));
        return b.build();
    }

    /**
     * A new builder.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these headers.
     *
     * @return a builder to derive a variant
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.namesAndValues.addAll(namesAndValues);
        b.secretNames.addAll(secretNames);
        return b;
    }

    /**
     * The first value of a header.
     *
     * @param name the name, any case
     * @return the first value, if present
     */
    public Optional<String> first(String name) {
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            if (namesAndValues.get(i).equalsIgnoreCase(name)) {
                return Optional.of(namesAndValues.get(i + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * All values of a header.
     *
     * @param name the name, any case
     * @return the values in order, possibly empty
     */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            if (namesAndValues.get(i).equalsIgnoreCase(name)) {
                out.add(namesAndValues.get(i + 1));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Whether a header is present.
     *
     * @param name the name, any case
     * @return true if at least one value exists
     */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /**
     * The distinct names, as first spelled.
     *
     * @return names in arrival order
     */
    public Set<String> names() {
        Set<String> lower = new LinkedHashSet<>();
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            String n = namesAndValues.get(i);
            if (lower.add(n.toLowerCase(Locale.ROOT))) {
                out.add(n);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * Calls {@code action} for every name/value pair in order.
     *
     * @param action receives name and value
     */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            action.accept(namesAndValues.get(i), namesAndValues.get(i + 1));
        }
    }

    /**
     * The number of name/value pairs.
     *
     * @return the count
     */
    public int size() {
        return namesAndValues.size() / 2;
    }

    /**
     * Whether there are no headers.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return namesAndValues.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers && ((Headers) o).namesAndValues.equals(namesAndValues);
    }

    @Override
    public int hashCode() {
        return namesAndValues.hashCode();
    }

    /**
     * Whether the values of a header are hidden by {@link #toString()}: a name that usually holds a
     * credential (authorization, cookie, token, key, ...) or one marked with
     * {@link Builder#secret(String)}.
     *
     * @param name the name, any case
     * @return true if its values are secret
     */
    public boolean isSecret(String name) {
        return Redaction.isSecretHeader(name) || secretNames.contains(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers{");
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            String n = namesAndValues.get(i);
            sb.append(n).append('=').append(isSecret(n) ? "<redacted>" : namesAndValues.get(i + 1));
        }
        return sb.append('}').toString();
    }

    /** Builds {@link Headers}. Not thread-safe. */
    public static final class Builder {
        private final List<String> namesAndValues = new ArrayList<>();
        private final Set<String> secretNames = new TreeSet<>();

        private Builder() {}

        /**
         * Marks a header as secret: {@link Headers#toString()} hides its values, whatever its
         * name (the usual credential names are hidden anyway). The name need not be present.
         *
         * @param name the name, any case
         * @return this builder
         */
        public Builder secret(String name) {
            checkName(name);
            secretNames.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        /**
         * Adds a value, keeping existing values of the same name.
         *
         * @param name a valid header name
         * @param value the value: tabs, spaces and characters from U+0021 to U+00FF except DEL; no
         *     CR, LF or other control character, nothing above U+00FF (HTTP sends one byte per
         *     character)
         * @return this builder
         * @throws IllegalArgumentException naming the header and the position of the first bad
         *     character; the value itself is never printed, since it is often a credential
         */
        public Builder add(String name, String value) {
            checkName(name);
            Objects.requireNonNull(value, "value");
            checkValue(name, value);
            namesAndValues.add(name);
            namesAndValues.add(value);
            return this;
        }

        /**
         * Replaces all values of a name with one value.
         *
         * @param name a valid header name
         * @param value the value
         * @return this builder
         */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        /**
         * Removes all values of a name.
         *
         * @param name the name, any case
         * @return this builder
         */
        public Builder remove(String name) {
            for (int i = namesAndValues.size() - 2; i >= 0; i -= 2) {
                if (namesAndValues.get(i).equalsIgnoreCase(name)) {
                    namesAndValues.remove(i + 1);
                    namesAndValues.remove(i);
                }
            }
            return this;
        }

        /**
         * Adds every pair of {@code other}.
         *
         * @param other headers to add
         * @return this builder
         */
        public Builder addAll(Headers other) {
            namesAndValues.addAll(other.namesAndValues);
            secretNames.addAll(other.secretNames);
            return this;
        }

        /**
         * Builds the headers.
         *
         * @return immutable headers
         */
        public Headers build() {
            return namesAndValues.isEmpty() && secretNames.isEmpty() ? EMPTY
                    : new Headers(List.copyOf(namesAndValues), Set.copyOf(secretNames));
        }

        private static void checkValue(String name, String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                    throw new IllegalArgumentException("header '" + name + "' has a character HTTP does not allow at index "
                            + i + " (U+" + String.format("%04X", (int) c) + "): check the value configured for it"
                            + " (the value itself is not shown; it may be a credential)");
                }
            }
        }

        private static void checkName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("header name must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c >= 0x7f || c == ':') {
                    throw new IllegalArgumentException("invalid character in header name '" + name + "'");
                }
            }
        }
    }
}
