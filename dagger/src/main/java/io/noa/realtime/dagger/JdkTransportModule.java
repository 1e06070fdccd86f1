package io.noa.realtime.dagger;

import dagger.Module;
import dagger.Provides;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.jdk.JdkTransport;
import javax.inject.Singleton;

/**
 * Provides one {@link Transport} per component built on the JDK's {@code java.net.http} client
 * ({@link JdkTransport}). The app depends on {@code noa-realtime-transport-jdk} itself and closes
 * the transport when it shuts the component down.
 */
@Module
public final class JdkTransportModule {

    private JdkTransportModule() {}

    /**
     * The component's transport, with default options.
     *
     * @return a new {@link JdkTransport}
     */
    @Provides
    @Singleton
    static Transport transport() {
        return JdkTransport.create();
    }
}
