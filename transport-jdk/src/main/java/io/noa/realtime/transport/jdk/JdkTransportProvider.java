package io.noa.realtime.transport.jdk;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.TransportProvider;

/**
 * Finds {@link JdkTransport} through {@link java.util.ServiceLoader}: name {@code "jdk"},
 * priority 10 (below Netty's 20), always available on Java 17 and later.
 */
public final class JdkTransportProvider implements TransportProvider {
    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public JdkTransportProvider() {}

    @Override
    public String name() {
        return JdkTransport.NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean isAvailable() {
        try {
            Class.forName("java.net.http.HttpClient", false, JdkTransportProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false; // a jlink image without the java.net.http module
        }
    }

    @Override
    public Transport create(TransportOptions options) {
        return JdkTransport.create(options);
    }
}
