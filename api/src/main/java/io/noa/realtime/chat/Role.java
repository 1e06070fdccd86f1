package io.noa.realtime.chat;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** The author of a chat message, as named on the wire ({@code "system"}, {@code "user"}, ...). */
public enum Role {
    /** Instructions from the application ({@code "system"}). */
    SYSTEM("system"),
    /** The end user ({@code "user"}). */
    USER("user"),
    /** The model ({@code "assistant"}). */
    ASSISTANT("assistant"),
    /** The result of a tool call ({@code "tool"}). */
    TOOL("tool"),
    /** Developer instructions, the newer name for system messages on some models ({@code "developer"}). */
    DEVELOPER("developer");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name used in JSON.
     *
     * @return the wire name, e.g. {@code "assistant"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Looks a role up by its wire name, ignoring case and surrounding white space. Unknown roles are
     * tolerated: they give an empty result rather than an exception (the raw string stays available on
     * {@link Delta#rawRole()}).
     *
     * @param wire the wire name
     * @return the role, or empty if {@code wire} is not a known role
     */
    public static Optional<Role> fromWire(String wire) {
        Objects.requireNonNull(wire, "wire");
        String w = wire.trim().toLowerCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.wireName.equals(w)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
