package io.noa.realtime.samples;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportProvider;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import java.io.PrintStream;

/**
 * Three ways to get a transport: discovery ({@link Transports#load()}: the {@code noa.transport}
 * system property, else the best provider on the class path), discovery by name, and building
 * one directly. A transport is shared by many clients and closed by whoever created it.
 */
public final class PickTransport {
    private PickTransport() {}

    /**
     * Prints what each way picks.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Prints the available providers and the transport each way picks.
     *
     * @param out where to print
     * @return 0
     */
    public static int run(PrintStream out) {
        for (TransportProvider p : Transports.providers(PickTransport.class.getClassLoader())) {
            out.println("provider " + p.name() + " priority " + p.priority() + (p.isAvailable() ? "" : " (unavailable)"));
        }
        // region:pick
        try (Transport discovered = Transports.load()) {
            out.println("Transports.load()        -> " + discovered.name());
        }
        try (Transport byName = Transports.load("jdk")) {
            out.println("Transports.load(\"jdk\")   -> " + byName.name());
        }
        try (Transport jdk = JdkTransport.create()) {
            out.println("JdkTransport.create()    -> " + jdk.name());
        }
        try (Transport netty = NettyTransport.create()) {
            out.println("NettyTransport.create()  -> " + netty.name());
        }
        // endregion:pick
        return 0;
    }
}
