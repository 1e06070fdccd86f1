package io.noa.realtime.tck;

import java.util.Locale;

/**
 * The size of the hostile-world suites ({@link ConcurrencyContract}, {@link LeakContract},
 * {@link FaultContract}): a short setting for {@code mvn verify} and CI, and a long local one
 * chosen with the system property {@code noa.soak=long} (e.g. {@code mvn verify -Dnoa.soak=long})
 * or the environment variable {@code NOA_SOAK=long}.
 */
public final class SoakSettings {
    private SoakSettings() {}

    /**
     * Whether the long local setting is on.
     *
     * @return true for {@code noa.soak=long} or {@code NOA_SOAK=long}
     */
    public static boolean isLong() {
        String p = System.getProperty("noa.soak");
        if (p == null) {
            p = System.getenv("NOA_SOAK");
        }
        return p != null && p.trim().toLowerCase(Locale.ROOT).equals("long");
    }

    /**
     * Picks the figure for the current setting. A system property {@code noa.soak.<name>} (an
     * integer) overrides both.
     *
     * @param name the figure's name, for the override property
     * @param ci the short setting
     * @param local the long setting
     * @return the figure to use
     */
    public static int pick(String name, int ci, int local) {
        String override = System.getProperty("noa.soak." + name);
        if (override != null) {
            try {
                return Integer.parseInt(override.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("noa.soak." + name + " must be an integer", e);
            }
        }
        return isLong() ? local : ci;
    }
}
