package io.noa.realtime.spi;

/**
 * Creates a {@link Transport}; found through {@link java.util.ServiceLoader} (register the
 * implementation in {@code META-INF/services/io.noa.realtime.spi.TransportProvider}).
 */
public interface TransportProvider {
    /**
     * The name users select it by, e.g. {@code "netty"}.
     *
     * @return a short lower-case name
     */
    String name();

    /**
     * Higher wins in {@link Transports#load()}. Netty uses 20, JDK 10.
     *
     * @return the priority
     */
    int priority();

    /**
     * Whether the transport can run here (its dependencies are on the class path). MUST NOT
     * throw.
     *
     * @return true if {@link #create(TransportOptions)} will work
     */
    boolean isAvailable();

    /**
     * Creates a transport.
     *
     * @param options the settings to honour
     * @return a new transport instance (it may share threads with other instances)
     */
    Transport create(TransportOptions options);
}
