package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.netty.NettyTransport;
import org.junit.jupiter.api.TestInstance;

/** Several namespaces over one link, over the Netty transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettySharedLinkTest extends SharedLinkScenarios {
    @Override
    protected Transport newTransport() {
        return NettyTransport.create();
    }
}
