package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.TransportProvider;

/**
 * Makes {@link NettyTransport} discoverable by {@link io.noa.realtime.spi.Transports} under the
 * name {@value #NAME}, with priority 20 (above the JDK transport's 10).
 */
public final class NettyTransportProvider implements TransportProvider {
    /** The name users select this transport by. */
    public static final String NAME = "netty";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public NettyTransportProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public boolean isAvailable() {
        try {
            ClassLoader cl = NettyTransportProvider.class.getClassLoader();
            Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup", false, cl);
            Class.forName("io.netty.handler.codec.http.HttpClientCodec", false, cl);
            Class.forName("io.netty.handler.ssl.SslHandler", false, cl);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Transport create(TransportOptions options) {
        return NettyTransport.create(options);
    }
}
