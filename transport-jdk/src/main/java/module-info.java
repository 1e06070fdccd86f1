/**
 * The noa-realtime transport on the JDK's {@code java.net.http} client and WebSocket. Found by
 * {@link io.noa.realtime.spi.Transports#load()} through the provider below (and through
 * {@code META-INF/services} on the class path), or built directly with
 * {@link io.noa.realtime.transport.jdk.JdkTransport}.
 */
module io.noa.realtime.transport.jdk {
    requires transitive io.noa.realtime.api;
    requires java.net.http;

    exports io.noa.realtime.transport.jdk;

    provides io.noa.realtime.spi.TransportProvider
            with io.noa.realtime.transport.jdk.JdkTransportProvider;
}
