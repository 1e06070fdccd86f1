package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.netty.NettyTransport;
import org.junit.jupiter.api.TestInstance;

/** The hostile open packet scenarios over the Netty transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyHostileOpenPacketTest extends HostileOpenPacketScenarios {
    @Override
    protected Transport newTransport() {
        return NettyTransport.create();
    }
}
