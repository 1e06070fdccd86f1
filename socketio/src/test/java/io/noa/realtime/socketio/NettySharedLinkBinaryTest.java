package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.netty.NettyTransport;
import org.junit.jupiter.api.TestInstance;

/** Binary packets of several namespaces over one link, over the Netty transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettySharedLinkBinaryTest extends SharedLinkBinaryScenarios {
    @Override
    protected Transport newTransport() {
        return NettyTransport.create();
    }
}
