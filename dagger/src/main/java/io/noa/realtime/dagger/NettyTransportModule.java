package io.noa.realtime.dagger;

import dagger.Module;
import dagger.Provides;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.netty.NettyTransport;
import javax.inject.Singleton;

/**
 * Provides one {@link Transport} per component built on Netty
 * ({@link NettyTransport}). The app depends on {@code noa-realtime-transport-netty} itself and closes
 * the transport when it shuts the component down.
 */
@Module
public final class NettyTransportModule {

    private NettyTransportModule() {}

    /**
     * The component's transport, with default options.
     *
     * @return a new {@link NettyTransport}
     */
    @Provides
    @Singleton
    static Transport transport() {
        return NettyTransport.create();
    }
}
