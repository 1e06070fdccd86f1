package io.noa.realtime.tck;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.Transports;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of every contract class: the one factory hook a transport module implements, and the
 * bookkeeping that closes every transport a test created.
 */
public abstract class TransportContractSupport {
    private final List<Transport> opened = new ArrayList<>();

    /** For subclasses. */
    protected TransportContractSupport() {}

    /**
     * The factory hook: a new transport with default options. Called once or more per test; the
     * suite closes what it gets.
     *
     * @return a new transport instance
     */
    protected abstract Transport transport();

    /**
     * A new transport with the given options. The default looks up the provider of
     * {@link #transport()}'s name through {@link Transports#load(String, TransportOptions)};
     * override it if your transport is not registered with {@code ServiceLoader}.
     *
     * @param options the options (e.g. a TLS context trusting a test certificate)
     * @return a new transport instance
     */
    protected Transport transport(TransportOptions options) {
        try (Transport probe = transport()) {
            return Transports.load(probe.name(), options);
        }
    }

    /**
     * A transport from {@link #transport()}, closed after the test.
     *
     * @return the transport
     */
    protected final Transport newTransport() {
        return track(transport());
    }

    /**
     * A transport from {@link #transport(TransportOptions)}, closed after the test.
     *
     * @param options the options
     * @return the transport
     */
    protected final Transport newTransport(TransportOptions options) {
        return track(transport(options));
    }

    private synchronized Transport track(Transport transport) {
        opened.add(transport);
        return transport;
    }

    /** Closes the transports the test created. */
    @AfterEach
    protected final synchronized void closeTransports() {
        for (Transport t : opened) {
            t.close();
        }
        opened.clear();
    }
}
