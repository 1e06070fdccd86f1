package io.noa.realtime.spi;

import io.noa.realtime.RealtimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds a {@link Transport} on the class path.
 *
 * <p>{@link #load()} uses the provider named by the system property {@value #PROPERTY} if set,
 * otherwise the available provider with the highest {@link TransportProvider#priority()} (Netty
 * over JDK when both are present). Discovery is a convenience: any transport can also be built
 * directly.
 */
public final class Transports {
    /** System property that selects a transport by name, e.g. {@code -Dnoa.transport=jdk}. */
    public static final String PROPERTY = "noa.transport";

    private static final String HOW_TO_ADD = "add io.noa.realtime:noa-realtime-transport-netty"
            + " or io.noa.realtime:noa-realtime-transport-jdk to the class path";

    private Transports() {}

    /**
     * The transport named by {@value #PROPERTY}, or else the best available one, with default
     * options.
     *
     * @return a new transport
     * @throws RealtimeException if none is available, naming the artifacts to add
     */
    public static Transport load() {
        return load(TransportOptions.defaults());
    }

    /**
     * Like {@link #load()} with options.
     *
     * @param options the settings
     * @return a new transport
     */
    public static Transport load(TransportOptions options) {
        String name = System.getProperty(PROPERTY);
        if (name != null && !name.isBlank()) {
            return load(name.trim(), options);
        }
        return best(providers(Transports.class.getClassLoader()), options);
    }

    /**
     * The transport with this name, with default options.
     *
     * @param name e.g. {@code "netty"} or {@code "jdk"}
     * @return a new transport
     */
    public static Transport load(String name) {
        return load(name, TransportOptions.defaults());
    }

    /**
     * The transport with this name.
     *
     * @param name e.g. {@code "netty"} or {@code "jdk"}
     * @param options the settings
     * @return a new transport
     * @throws RealtimeException if no available provider has that name
     */
    public static Transport load(String name, TransportOptions options) {
        return byName(providers(Transports.class.getClassLoader()), name, options);
    }

    /**
     * All providers on the class path of {@code loader}, available or not, best first.
     *
     * @param loader where to look
     * @return the providers
     */
    public static List<TransportProvider> providers(ClassLoader loader) {
        List<TransportProvider> out = new ArrayList<>();
        var it = ServiceLoader.load(TransportProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                out.add(it.next());
            } catch (ServiceConfigurationError e) {
                System.getLogger(Transports.class.getName()).log(System.Logger.Level.WARNING,
                        "Skipping a transport provider that failed to load", e);
            }
        }
        out.sort(Comparator.comparingInt(TransportProvider::priority).reversed());
        return out;
    }

    /**
     * Picks the best available provider from a list (exposed for testing discovery rules).
     *
     * @param providers candidates
     * @param options the settings
     * @return a new transport from the highest-priority available provider
     */
    public static Transport best(List<TransportProvider> providers, TransportOptions options) {
        Objects.requireNonNull(options, "options");
        return providers.stream()
                .filter(Transports::available)
                .max(Comparator.comparingInt(TransportProvider::priority))
                .map(p -> p.create(options))
                .orElseThrow(() -> new RealtimeException("No noa-realtime transport found"
                        + (providers.isEmpty() ? "" : " available (present but unavailable: " + names(providers) + ")")
                        + "; " + HOW_TO_ADD));
    }

    /**
     * Picks a provider by name from a list (exposed for testing discovery rules).
     *
     * @param providers candidates
     * @param name the name, any case
     * @param options the settings
     * @return a new transport
     */
    public static Transport byName(List<TransportProvider> providers, String name, TransportOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        String wanted = name.toLowerCase(Locale.ROOT);
        for (TransportProvider p : providers) {
            if (p.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                if (!available(p)) {
                    throw new RealtimeException("Transport '" + name + "' is on the class path but not available here;"
                            + " check its dependencies, or choose another of: " + names(providers));
                }
                return p.create(options);
            }
        }
        throw new RealtimeException("No noa-realtime transport named '" + name + "'"
                + (providers.isEmpty() ? "" : " (found: " + names(providers) + ")")
                + "; " + HOW_TO_ADD + (System.getProperty(PROPERTY) != null ? ", or fix -D" + PROPERTY : ""));
    }

    private static boolean available(TransportProvider p) {
        try {
            return p.isAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String names(List<TransportProvider> providers) {
        return providers.stream().map(TransportProvider::name).collect(Collectors.joining(", "));
    }
}
